/** Pieces of the self-contained HTML reports (tune, plan): no scripts, no external assets. */

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** A page with the reports' one stylesheet; `body` is HTML. */
export const reportPage = (title: string, body: string, extraStyle = ''): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}tr.best{background:#fde0dd;font-weight:bold}${extraStyle}</style>
</head><body>
${body}
</body></html>
`;

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

/** At most `limit` points: each run of consecutive points becomes the one with the largest y, so peaks stay visible. */
const thinned = (points: Series['points'], limit: number): Series['points'] => {
  if (points.length <= limit) return points;
  const per = Math.ceil(points.length / limit);
  const kept: [number, number][] = [];
  for (let start = 0; start < points.length; start += per) {
    let peak = points[start];
    for (let i = start + 1; i < Math.min(points.length, start + per); i += 1) if (points[i][1] > peak[1]) peak = points[i];
    kept.push([peak[0], peak[1]]);
  }
  return kept;
};

/** Lines over a shared x axis (e.g. seconds), the y axis from 0 to the largest value; markers as labelled verticals. */
export const lineChart = (
  allSeries: readonly Series[],
  axes: { readonly x: string; readonly y: string },
  markers: readonly { readonly x: number; readonly label: string }[] = [],
): string => {
  const width = 720;
  const height = 260;
  const margin = 50;
  // A day of per-second samples is 86,400 points: reduce instead of spreading them into Math.max (the call stack
  // limits its arguments), and draw at most a few points per pixel.
  const xMax = allSeries.reduce((most, s) => s.points.reduce((m, [px]) => Math.max(m, px), most), 1);
  const yMax = allSeries.reduce((most, s) => s.points.reduce((m, [, py]) => Math.max(m, py), most), 1e-9) * 1.05;
  const series = allSeries.map((s) => ({ ...s, points: thinned(s.points, 2 * width) }));
  const x = (value: number) => margin + (value / xMax) * (width - 2 * margin);
  const y = (value: number) => height - margin - (value / yMax) * (height - 2 * margin);
  const lines = series
    .map(
      (s) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')}"><title>${escapeHtml(s.label)}</title></polyline>`,
    )
    .join('\n');
  const legend = series
    .map(
      (s, index) =>
        `<text x="${margin + 10 + index * 170}" y="${margin - 20}" font-size="12" fill="${s.color}">${escapeHtml(s.label)}</text>`,
    )
    .join('');
  const marks = markers
    .map(
      (m) =>
        `<line x1="${x(m.x).toFixed(1)}" y1="${margin}" x2="${x(m.x).toFixed(1)}" y2="${height - margin}" stroke="#d62728" stroke-dasharray="4 3"/><text x="${(x(m.x) + 3).toFixed(1)}" y="${margin + 12}" font-size="10" fill="#d62728">${escapeHtml(m.label)}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(axes.y)}">
<line x1="${margin}" y1="${height - margin}" x2="${width - margin}" y2="${height - margin}" stroke="#333"/>
<line x1="${margin}" y1="${margin}" x2="${margin}" y2="${height - margin}" stroke="#333"/>
<text x="${width / 2}" y="${height - 12}" text-anchor="middle" font-size="12">${escapeHtml(axes.x)} (0 to ${Math.round(xMax)})</text>
<text x="14" y="${height / 2}" transform="rotate(-90 14 ${height / 2})" text-anchor="middle" font-size="12">${escapeHtml(axes.y)} (0 to ${Number(yMax.toPrecision(3))})</text>
${legend}
${lines}
${marks}
</svg>`;
};
