import { CALIBRATION_TOLERANCE, checkCalibration, compareFigure } from '../../../../load/plan/calibration';
import reference from '../../../../load/plan/reference-work.json';
import { fitLine } from '../../../../load/plan/work';
import { stageSnapshot } from '../../../support/validate-check';

const devTemplate = stageSnapshot('dev');

describe('load/plan/calibration', () => {
  it('holds a figure within its tolerance and says by how much it misses one outside', () => {
    expect(compareFigure('p50', 1000, 1200, 0.25)).toMatchObject({ error: 0.2, holds: true });
    expect(compareFigure('p50', 1000, 1300, 0.25)).toMatchObject({ error: 0.3, holds: false });
    expect(compareFigure('invocations', 20, 17, 0.1)).toMatchObject({ holds: false });
  });

  it('uses the tolerances of issue 26: invocations within 10 %, accept→stored p50 within 25 %', () => {
    expect(CALIBRATION_TOLERANCE).toEqual({ invocations: 0.1, p50: 0.25 });
  });

  it('reproduces the reference measurement on the dev settings within the tolerances', () => {
    const checks = checkCalibration(reference, devTemplate, 1);
    expect(checks.map((check) => [check.figure, check.holds])).toEqual([
      ['consumer invocations per 1,000 orders', true],
      ['accept→stored p50 (ms)', true],
    ]);
  });

  it('misses when the measurement disagrees with the model (a run with twice the invocations)', () => {
    const doubled = {
      ...reference,
      observed: { ...reference.observed, consumerInvocationsPer1000: reference.observed.consumerInvocationsPer1000 * 2 },
    };
    const [invocations] = checkCalibration(doubled, devTemplate, 1);
    expect(invocations.holds).toBe(false);
    expect(invocations.error).toBeGreaterThan(0.4);
  });

  it('fits handler time per invocation against batch size by least squares', () => {
    expect(
      fitLine([
        { x: 10, y: 70 },
        { x: 20, y: 120 },
        { x: 40, y: 220 },
      ]),
    ).toEqual({ intercept: 20, slope: 5 });
    expect(
      fitLine([
        { x: 10, y: 50 },
        { x: 10, y: 70 },
      ]),
    ).toEqual({ intercept: 60, slope: 0 });
  });
});
