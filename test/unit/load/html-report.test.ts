import { lineChart } from '../../../load/lib/html-report';

const pointsOf = (html: string): string[][] => [...html.matchAll(/points="([^"]*)"/g)].map((match) => match[1].split(' ').filter(Boolean));

describe('load/lib/html-report lineChart', () => {
  it('charts a day of per-second samples (86,400 points) in a bounded number of points, its peak kept', () => {
    const points = Array.from({ length: 86_400 }, (_, second) => [second, second === 43_210 ? 500 : 1] as const);
    const html = lineChart([{ label: 'queue depth', color: '#000', points }], { x: 's', y: 'messages' });

    const [drawn] = pointsOf(html);
    expect(drawn.length).toBeLessThanOrEqual(2 * 720);
    // The single peak is drawn at the top of the plot area (y = margin + 5 % headroom), not averaged away.
    const ys = drawn.map((point) => Number(point.split(',')[1]));
    expect(Math.min(...ys)).toBeCloseTo(50 + (260 - 100) * (1 - 1 / 1.05), 0);
  });

  it('draws every point of a short series as given', () => {
    const html = lineChart(
      [
        {
          label: 'a',
          color: '#000',
          points: [
            [0, 0],
            [1, 2],
            [2, 1],
          ],
        },
      ],
      { x: 's', y: 'n' },
    );

    expect(pointsOf(html)[0]).toHaveLength(3);
  });
});
