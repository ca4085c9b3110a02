/**
 * The BENCHMARKS.md chart: horizontal bars of nanoseconds per OTLP data point, one group per workload
 * size, one bar per compared pipeline. The scale is logarithmic: the rows span three orders of
 * magnitude (the floor to the naive pipeline), which a linear scale would flatten to one visible bar.
 *
 *   writeFileSync('docs/benchmarks.svg', renderChart({ title, groups: [{ name: 'otlp-10k', bars }] }));
 *
 * Plain SVG text, no dependency: GitHub renders it inline from the markdown.
 */

export interface ChartBar {
  label: string;
  nsPerPoint: number;
}

export interface ChartGroup {
  name: string;
  bars: ChartBar[];
}

export interface Chart {
  title: string;
  subtitle: string;
  groups: ChartGroup[];
}

const WIDTH = 760;
const LABEL_WIDTH = 190;
const VALUE_WIDTH = 90;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const GROUP_GAP = 26;
const TOP = 58;
const COLORS = ['#1f77b4', '#6baed6', '#d62728', '#9467bd', '#7f7f7f', '#2ca02c', '#ff7f0e'];

export function renderChart(chart: Chart): string {
  const values = chart.groups.flatMap((group) => group.bars.map((bar) => bar.nsPerPoint)).filter((value) => value > 0);
  const minDecade = Math.floor(Math.log10(Math.min(...values)));
  // At least one decade wide, even when every bar has the same value.
  const maxDecade = Math.max(minDecade + 1, Math.ceil(Math.log10(Math.max(...values))));
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  const x = (value: number) => LABEL_WIDTH + ((Math.log10(value) - minDecade) / (maxDecade - minDecade)) * plotWidth;

  const parts: string[] = [];
  let y = TOP;
  for (const group of chart.groups) {
    parts.push(`<text x="10" y="${y + 12}" font-weight="bold">${escape(group.name)}</text>`);
    y += 20;
    group.bars.forEach((bar, i) => {
      const end = bar.nsPerPoint > 0 ? x(bar.nsPerPoint) : LABEL_WIDTH;
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end">${escape(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, end - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLORS[i % COLORS.length]}"/>`,
        `<text x="${(end + 6).toFixed(1)}" y="${y + 13}">${formatNs(bar.nsPerPoint)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    });
    y += GROUP_GAP - BAR_GAP;
  }
  const axisY = y;
  for (let decade = minDecade; decade <= maxDecade; decade++) {
    const tick = x(10 ** decade);
    parts.push(
      `<line x1="${tick.toFixed(1)}" y1="${TOP - 4}" x2="${tick.toFixed(1)}" y2="${axisY}" stroke="#ddd"/>`,
      `<text x="${tick.toFixed(1)}" y="${axisY + 16}" text-anchor="middle" fill="#555">${formatNs(10 ** decade)}</text>`,
    );
  }
  const height = axisY + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="15" font-weight="bold">${escape(chart.title)}</text>`,
    `<text x="10" y="38" fill="#555">${escape(chart.subtitle)}</text>`,
    // Grid lines first, so bars and labels draw over them.
    ...parts.filter((part) => part.startsWith('<line')),
    ...parts.filter((part) => !part.startsWith('<line')),
    `<text x="${LABEL_WIDTH + plotWidth / 2}" y="${axisY + 32}" text-anchor="middle" fill="#555">ns per OTLP data point (median, log scale; shorter is faster)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function formatNs(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(ns >= 1e7 ? 0 : 1)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(ns >= 1e4 ? 0 : 1)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
