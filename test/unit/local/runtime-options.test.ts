import { type LocalRuntimeOptions, StartOptionsError, validateRuntimeOptions } from '../../../local-runtime';

const valid: LocalRuntimeOptions = { dataDir: '/tmp/x', ports: { http: 0, https: 0, dynamodb: 0, sqs: 0 } };

describe('runtime options', () => {
  it('takes valid options as they are', () => {
    const log = () => undefined;
    const options = { ...valid, app: 'cdk.out', stack: 'Shop', log, eventSourceOverrides: { batchSize: 10 } };
    expect(validateRuntimeOptions(options)).toBe(options);
  });

  it('names every bad option at once, with its path and what is wrong', () => {
    const bad = {
      ...valid,
      ports: { ...valid.ports, sqs: 70_000 },
      stage: 'dev',
      app: 'npx ts-node app.ts',
      visibilityTimeoutSeconds: -1,
      visibilityTimout: 5,
    } as unknown as LocalRuntimeOptions;
    expect(() => validateRuntimeOptions(bad)).toThrow(StartOptionsError);
    let message = '';
    try {
      validateRuntimeOptions(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^ {2}ports\.sqs: .*65535/m);
    expect(message).toMatch(/^ {2}visibilityTimeoutSeconds: .*0/m);
    expect(message).toMatch(/visibilityTimout/);
    expect(message).toMatch(/^ {2}app: app runs another CDK app: pass it without stage$/m);
  });

  it('refuses stack without app', () => {
    expect(() => validateRuntimeOptions({ ...valid, stack: 'Shop' })).toThrow(/stack: stack picks one stack of an app: pass it with app/);
  });
});
