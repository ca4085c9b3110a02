import { WireType } from '../protobuf/reader.js';
import type { ProtoWriter } from '../protobuf/writer.js';
import {
  EncodedStrings,
  type MetricMetadataV1,
  writeExemplarV1,
  writeHistogramV1,
  writeLabelV1,
  writeMetadataV1,
  writeSampleV1,
  stringField,
} from '../rw/encode-v1.js';
import type { SeriesRows } from './order-samples.js';
import type { SeriesTable } from './series-table.js';

/**
 * The RW1 `prometheus.WriteRequest` of `series` (ordered rows, see orderSeriesRows), written straight
 * from the table: labels from their string ids, each id's UTF-8 encoded once; samples from the columns.
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
  const samples = table.samples;
  const metadata = new Map<string, MetricMetadataV1>();
  let labels: Int32Array = new Int32Array(64);
  for (let r = 0; r < series.length; r++) {
    const s = series[r];
    writer.tag(1, WireType.LEN);
    writer.fork();
    labels = table.labelIds(s, labels);
    const labelIds = 2 * table.labelCount(s);
    for (let i = 0; i < labelIds; i += 2) {
      const name = labels[i];
      const value = labels[i + 1];
      writeLabelV1(writer, (nameFields[name] ??= stringField(1, strings[name])), (valueFields[value] ??= stringField(2, strings[value])));
    }
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
    // Families in order of first series; the last series of a family decides its metadata.
    const { type, family, help, unit } = table.metadataOf[s];
    const known = metadata.get(family);
    if (known === undefined || known.type !== type || known.help !== help || known.unit !== unit) {
      metadata.set(family, { type, metricFamilyName: family, help, unit });
    }
  }
  writeMetadataV1(writer, [...metadata.values()], fieldStrings);
}
