// Prometheus text exposition format 0.0.4, just what self-telemetry needs: counters and gauges with
// labels, one HELP/TYPE block per family.

export type MetricKind = 'counter' | 'gauge';

/** Label values escaped as the format requires: backslash, double quote, newline. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** Accumulates families; `text()` is the exposition. */
export class ExpositionWriter {
  private readonly lines: string[] = [];

  family(name: string, kind: MetricKind, help: string, samples: Array<[Record<string, string>, number]> | number): this {
    this.lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${kind}`);
    const list: Array<[Record<string, string>, number]> = typeof samples === 'number' ? [[{}, samples]] : samples;
    for (const [labels, value] of list) {
      const entries = Object.entries(labels);
      const rendered = entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
      this.lines.push(`${name}${rendered} ${formatValue(value)}`);
    }
    return this;
  }

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}

/** A `Record<label value, count>` as exposition samples under one label name. */
export function byLabel(label: string, counts: Record<string, number>): Array<[Record<string, string>, number]> {
  return Object.entries(counts).map(([value, count]) => [{ [label]: value }, count]);
}
