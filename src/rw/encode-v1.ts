import { WireType } from '../protobuf/reader.js';
import { encodeHistogramFields, encodeSample } from './encode-v2.js';
import type { ProtoWriter } from '../protobuf/writer.js';
import type { Histogram, Labels, MetricType, Sample } from './types.js';

/** One RW1 series with its labels spelled out (RW1 has no symbols table). */
export interface TimeSeriesV1 {
  labels: Labels;
  samples: readonly Sample[];
  exemplars: ReadonlyArray<{ labels: Labels; value: number; timestamp: number }>;
  histograms: readonly Histogram[];
}

/** RW1 MetricMetadata: one per metric family. */
export interface MetricMetadataV1 {
  type: MetricType;
  metricFamilyName: string;
  help: string;
  unit: string;
}

const utf8 = new TextEncoder();

/**
 * Writes a `prometheus.WriteRequest` (Remote-Write 1.0, the fallback for receivers that answer 415 to
 * RW2): timeseries 1, metadata 3. TimeSeries: labels 1, samples 2, exemplars 3, histograms 4.
 * RW1 carries no start timestamps and no custom-bucket bounds (`custom_values` is not part of RW1).
 */
export function encodeWriteRequestV1(
  writer: ProtoWriter,
  timeseries: readonly TimeSeriesV1[],
  metadata: readonly MetricMetadataV1[],
): void {
  for (const series of timeseries) {
    writer.tag(1, WireType.LEN);
    writer.fork();
    writeLabels(writer, 1, series.labels);
    for (const sample of series.samples) {
      writer.tag(2, WireType.LEN);
      writer.fork();
      encodeSample(writer, sample, false);
      writer.join();
    }
    for (const exemplar of series.exemplars) {
      writer.tag(3, WireType.LEN);
      writer.fork();
      writeLabels(writer, 1, exemplar.labels);
      if (exemplar.value !== 0) {
        writer.tag(2, WireType.I64);
        writer.double(exemplar.value);
      }
      if (exemplar.timestamp !== 0) {
        writer.tag(3, WireType.VARINT);
        writer.int64(exemplar.timestamp);
      }
      writer.join();
    }
    for (const histogram of series.histograms) {
      writer.tag(4, WireType.LEN);
      writer.fork();
      writeHistogramV1(writer, histogram);
      writer.join();
    }
    writer.join();
  }
  for (const entry of metadata) {
    writer.tag(3, WireType.LEN);
    writer.fork();
    if (entry.type !== 0) {
      writer.tag(1, WireType.VARINT);
      writer.varint32(entry.type);
    }
    writeString(writer, 2, entry.metricFamilyName);
    writeString(writer, 4, entry.help);
    writeString(writer, 5, entry.unit);
    writer.join();
  }
}

/** Label: name 1, value 2. */
function writeLabels(writer: ProtoWriter, field: number, labels: Labels): void {
  for (const { name, value } of labels) {
    writer.tag(field, WireType.LEN);
    writer.fork();
    writeString(writer, 1, name);
    writeString(writer, 2, value);
    writer.join();
  }
}

function writeString(writer: ProtoWriter, field: number, value: string): void {
  if (value === '') return;
  writer.tag(field, WireType.LEN);
  writer.bytes(utf8.encode(value));
}

/** The RW1 Histogram has the same field numbers as RW2's for fields 1-15. */
function writeHistogramV1(writer: ProtoWriter, h: Histogram): void {
  encodeHistogramFields(writer, { ...h, customValues: [], startTimestamp: 0 });
}
