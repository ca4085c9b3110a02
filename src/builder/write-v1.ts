import { MERGE_PLAN_LENGTH, keptPairRuns } from '../engine/merge-labels.js';
import { WireType } from '../protobuf/reader.js';
import { ProtoWriter } from '../protobuf/writer.js';
import {
  EncodedStrings,
  type MetricMetadataV1,
  writeExemplarV1,
  writeHistogramV1,
  writeLabelV1,
  stringField,
  writeMetadataV1,
  writeSampleV1,
} from '../rw/encode-v1.js';
import type { SeriesMetadata } from '../translate/sink.js';
import type { LabelSets } from './label-sets.js';
import type { SeriesRows } from './order-samples.js';
import type { SeriesTable } from './series-table.js';

/**
 * The RW1 `prometheus.WriteRequest` of `series` (ordered rows, see orderSeriesRows), written straight
 * from the table: each label set's Label messages encoded once and copied in runs around a series'
 * `__name__` and extra label (SetLabels), each string id's fields encoded once; samples from the columns.
 * Building a TimeSeriesV1 object per series with a label object per label, and encoding every label
 * string again, made RW1 ~50x slower than RW2 (10k-point bench workload: ~930 ms). The bytes are
 * encodeWriteRequestV1's for the same series (test/builder/encode-v1.test.ts).
 */
export function writeSeriesV1(writer: ProtoWriter, table: SeriesTable, rows: SeriesRows, series: ArrayLike<number>): void {
  const strings = table.strings.strings;
  // Each id's Label name and value field, encoded when first used.
  const nameFields: Array<Uint8Array | undefined> = new Array(strings.length);
  const valueFields: Array<Uint8Array | undefined> = new Array(strings.length);
  const fieldStrings = new EncodedStrings();
  const label = (target: ProtoWriter, name: number, value: number): void =>
    writeLabelV1(target, (nameFields[name] ??= stringField(1, strings[name])), (valueFields[value] ??= stringField(2, strings[value])));
  const sets = table.sets;
  const setLabels = new SetLabels(sets, label);
  const samples = table.samples;
  const metadata = new Map<string, MetricMetadataV1>();
  const plan = new Int32Array(MERGE_PLAN_LENGTH);
  const runs = new Int32Array(3);
  let lastMetadata: SeriesMetadata | undefined;
  for (let r = 0; r < series.length; r++) {
    const s = series[r];
    writer.tag(1, WireType.LEN);
    // A series spells its ~15 labels out: mostly 128 bytes to 16 KiB.
    writer.forkWide();
    // The set's labels in up to three runs of its encoded bytes, `__name__` and the extra label put in
    // between (each replacing a pair of its name): merge-labels.ts keptPairRuns.
    const set = table.setOf(s);
    const pairs = sets.pairCount(set);
    const from = sets.start[set];
    const start = setLabels.start(set);
    const ends = setLabels.ends;
    const bytes = setLabels.bytes();
    table.labelPlan(s, plan);
    keptPairRuns(sets.pool, from, pairs, plan, 0, runs);
    writer.rawRange(bytes, ends[start], ends[start + plan[0]]);
    label(writer, plan[1], plan[2]);
    writer.rawRange(bytes, ends[start + runs[0]], ends[start + runs[1]]);
    if (plan[3] <= pairs) label(writer, plan[4], plan[5]);
    writer.rawRange(bytes, ends[start + runs[2]], ends[start + pairs]);
    for (let row = rows.sampleStart[s]; row < rows.sampleStart[s + 1]; row++) {
      writeSampleV1(writer, samples.value[row], samples.timestamp[row], samples.stale[row] === 1);
    }
    for (let e = rows.exemplarStart[s]; e < rows.exemplarStart[s + 1]; e++) {
      const exemplar = table.exemplars[e];
      const pairs: Array<{ name: string; value: string }> = [];
      for (let i = 0; i < exemplar.labels.length; i += 2) pairs.push({ name: exemplar.labels[i], value: exemplar.labels[i + 1] });
      writeExemplarV1(writer, { labels: pairs, value: exemplar.value, timestamp: exemplar.timestamp }, fieldStrings);
    }
    for (let h = rows.histogramStart[s]; h < rows.histogramStart[s + 1]; h++) writeHistogramV1(writer, table.histograms[h]);
    writer.join();
    // Families in order of first series; the last series of a family decides its metadata. A metric's
    // series share one metadata object and come in a row: only a change needs the map.
    const seriesMetadata = table.metadataOf[s];
    if (seriesMetadata === lastMetadata) continue;
    lastMetadata = seriesMetadata;
    const { type, family, help, unit } = seriesMetadata;
    const known = metadata.get(family);
    if (known === undefined || known.type !== type || known.help !== help || known.unit !== unit) {
      metadata.set(family, { type, metricFamilyName: family, help, unit });
    }
  }
  writeMetadataV1(writer, [...metadata.values()], fieldStrings);
}

/**
 * Each label set's Label messages, encoded the first time a series of it is written: a histogram
 * point's ~17 series share a set, and writing each series' ~15 labels one by one was most of RW1
 * encoding (10k-point bench workload: encodeV1 p10 89.6 -> 72.9 ms).
 */
class SetLabels {
  private readonly writer = new ProtoWriter(64 * 1024);
  /** Per set, where its pair offsets start in `ends` (-1: not encoded yet). */
  private readonly starts: Int32Array;
  /** Per encoded set, pairs + 1 byte offsets: pair p is bytes [ends[start + p], ends[start + p + 1]). */
  ends: Int32Array = new Int32Array(16 * 1024);
  private endsUsed = 0;

  constructor(
    private readonly sets: LabelSets,
    private readonly label: (writer: ProtoWriter, name: number, value: number) => void,
  ) {
    this.starts = new Int32Array(sets.size).fill(-1);
  }

  /** Encodes set `set` unless it is; returns where its offsets start in `ends` (read `ends` after). */
  start(set: number): number {
    const known = this.starts[set];
    if (known >= 0) return known;
    const sets = this.sets;
    const start = this.endsUsed;
    const pairs = sets.pairCount(set);
    if (this.ends.length < start + pairs + 1) {
      const grown = new Int32Array(Math.max(2 * this.ends.length, start + pairs + 1));
      grown.set(this.ends);
      this.ends = grown;
    }
    const writer = this.writer;
    this.ends[start] = writer.pos;
    for (let p = 0, at = sets.start[set]; p < pairs; p++, at += 2) {
      this.label(writer, sets.pool[at], sets.pool[at + 1]);
      this.ends[start + p + 1] = writer.pos;
    }
    this.starts[set] = start;
    this.endsUsed = start + pairs + 1;
    return start;
  }

  /** The encoded bytes (they move as they grow: read them after `start`). */
  bytes(): Uint8Array {
    return this.writer.buf;
  }
}
