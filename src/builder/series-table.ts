import { DEFAULT_LIMITS, LimitError, type Limits, utf8ByteLength, utf8LongerThan } from '../limits.js';
import type { Histogram, Sample } from '../rw/types.js';
import { StringIds, idsKey } from './string-ids.js';
import type { DropReason, ExemplarOutput, FlatLabels, SeriesMetadata, SeriesSink } from '../translate/sink.js';

/** One output TimeSeries being assembled: samples XOR histograms, as RW2 requires. */
export interface SeriesRecord {
  key: string;
  labels: FlatLabels;
  /** `labels` as ids into the table's StringIds. */
  labelIds: number[];
  metadata: SeriesMetadata;
  samples: Sample[];
  histograms: Histogram[];
  exemplars: ExemplarOutput[];
  /** The add() call that last touched this record (for the undo journal). */
  epoch: number;
}

export type DropCounts = Record<DropReason | 'duplicate_timestamp', number>;

export interface DropStats {
  /** Data points not translated, by reason. */
  points: DropCounts;
  /** Metrics not translated (each with all its points). */
  metrics: number;
  /** The last few reasons, with the metric name, for logs. */
  recent: Array<{ reason: DropReason; metric: string; detail: string }>;
}

export function emptyDropCounts(): DropCounts {
  return {
    invalid_temporality: 0,
    no_data_points: 0,
    unsupported_metric_type: 0,
    invalid_metric_name: 0,
    invalid_label_name: 0,
    invalid_scale: 0,
    invalid_exemplar: 0,
    delta_temporality: 0,
    duplicate_timestamp: 0,
  };
}

const RECENT_DROPS = 10;

/**
 * Series keyed by their label set, in first-seen order. The same series arriving twice (from another
 * resource, scope or request added to the same builder) is merged into one TimeSeries. Each add() is
 * journaled so a failing request can be rolled back without touching what was added before.
 */
export class SeriesTable implements SeriesSink {
  readonly records: SeriesRecord[] = [];
  /** Ids of every string the series use; kept until reset (a rolled-back add may leave unused ids). */
  readonly strings = new StringIds();
  private readonly byKey = new Map<string, SeriesRecord>();
  drops: DropStats = { points: emptyDropCounts(), metrics: 0, recent: [] };

  private epoch = 0;
  private journal: Array<[SeriesRecord, number, number, number, SeriesMetadata]> = [];
  private recordsAtStart = 0;
  private dropsAtStart: DropStats = this.drops;

  constructor(private readonly limits: Readonly<Limits> = DEFAULT_LIMITS) {}

  reset(): void {
    this.records.length = 0;
    this.byKey.clear();
    this.strings.clear();
    this.drops = { points: emptyDropCounts(), metrics: 0, recent: [] };
    this.journal = [];
  }

  /** Opens a journal for one add(). */
  begin(): void {
    this.epoch++;
    this.journal = [];
    this.recordsAtStart = this.records.length;
    this.dropsAtStart = structuredClone(this.drops);
  }

  /** Undoes everything since begin(). */
  rollback(): void {
    for (let i = this.records.length - 1; i >= this.recordsAtStart; i--) {
      this.byKey.delete(this.records[i].key);
    }
    this.records.length = this.recordsAtStart;
    for (const [record, samples, histograms, exemplars, metadata] of this.journal) {
      record.samples.length = samples;
      record.histograms.length = histograms;
      record.exemplars.length = exemplars;
      record.metadata = metadata;
    }
    this.journal = [];
    this.drops = this.dropsAtStart;
  }

  private record(labels: FlatLabels, metadata: SeriesMetadata, histogram: boolean): SeriesRecord {
    // Before the key is built: an unbounded label set would also overflow idsKey's argument list.
    if (labels.length > 2 * this.limits.maxLabelsPerSeries) {
      throw new LimitError('maxLabelsPerSeries', this.limits.maxLabelsPerSeries, labels.length / 2, `the label count of series ${seriesName(labels)}`);
    }
    const labelIds: number[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) labelIds[i] = this.strings.id(labels[i]);
    const key = idsKey(labelIds, histogram ? 1 : 0);
    let record = this.byKey.get(key);
    if (record === undefined) {
      this.checkNewSeries(labels);
      record = { key, labels, labelIds, metadata, samples: [], histograms: [], exemplars: [], epoch: this.epoch };
      this.byKey.set(key, record);
      this.records.push(record);
      return record;
    }
    if (record.epoch !== this.epoch) {
      this.journal.push([record, record.samples.length, record.histograms.length, record.exemplars.length, record.metadata]);
      record.epoch = this.epoch;
    }
    record.metadata = metadata;
    return record;
  }

  /** Limits checked once per series, when it is first seen: a known series has passed them. */
  private checkNewSeries(labels: FlatLabels): void {
    const { maxSeries, maxLabelNameBytes, maxLabelValueBytes } = this.limits;
    if (this.records.length >= maxSeries) {
      throw new LimitError('maxSeries', maxSeries, this.records.length + 1, `the series count with ${seriesName(labels)}`);
    }
    for (let i = 0; i < labels.length; i += 2) {
      if (utf8LongerThan(labels[i], maxLabelNameBytes)) {
        throw new LimitError('maxLabelNameBytes', maxLabelNameBytes, utf8ByteLength(labels[i]), `the UTF-8 length of a label name of series ${seriesName(labels)}`);
      }
      if (utf8LongerThan(labels[i + 1], maxLabelValueBytes)) {
        const name = labels[i].length > 64 ? `${labels[i].slice(0, 64)}...` : labels[i];
        throw new LimitError('maxLabelValueBytes', maxLabelValueBytes, utf8ByteLength(labels[i + 1]), `the UTF-8 length of label ${JSON.stringify(name)} of series ${seriesName(labels)}`);
      }
    }
  }

  sample(
    labels: FlatLabels,
    metadata: SeriesMetadata,
    timestamp: number,
    value: number,
    startTimestamp: number,
    stale: boolean,
    exemplars: readonly ExemplarOutput[] | undefined,
  ): void {
    const record = this.record(labels, metadata, false);
    const sample: Sample = { value: stale ? Number.NaN : value, timestamp, startTimestamp };
    if (stale) sample.stale = true;
    record.samples.push(sample);
    if (exemplars !== undefined) for (const exemplar of exemplars) record.exemplars.push(exemplar);
  }

  histogram(labels: FlatLabels, metadata: SeriesMetadata, histogram: Histogram, exemplars: readonly ExemplarOutput[] | undefined): void {
    const record = this.record(labels, metadata, true);
    record.histograms.push(histogram);
    if (exemplars !== undefined) for (const exemplar of exemplars) record.exemplars.push(exemplar);
  }

  dropped(reason: DropReason, metric: string, points: number, detail: string): void {
    this.drops.points[reason] += points;
    this.drops.metrics++;
    this.drops.recent.push({ reason, metric, detail });
    if (this.drops.recent.length > RECENT_DROPS) this.drops.recent.shift();
  }
}

/** The series' metric name for error messages, shortened: the label that broke a limit may be it. */
function seriesName(labels: FlatLabels): string {
  for (let i = 0; i < labels.length; i += 2) {
    if (labels[i] === '__name__') {
      const name = labels[i + 1];
      return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
    }
  }
  return '(no __name__)';
}
