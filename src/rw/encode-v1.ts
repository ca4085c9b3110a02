import { WireType } from '../protobuf/reader.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { encodeHistogramFields, encodeSampleFields, writeDoubleField, writeInt64Field } from './encode-v2.js';
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
 * A string field as written: tag, length and UTF-8 bytes; no bytes for an empty string (the field's
 * default, not written).
 */
export function stringField(field: number, value: string): Uint8Array {
  if (value === '') return EMPTY;
  const text = utf8.encode(value);
  const writer = new ProtoWriter(text.length + 6);
  writer.tag(field, WireType.LEN);
  writer.bytes(text);
  return writer.finish();
}

const EMPTY = new Uint8Array(0);

/**
 * The string fields of one request, each encoded once (stringField). RW1 spells every label out on
 * every series, so a 10k-point request writes ~850k label strings drawn from a few hundred distinct
 * ones: a TextEncoder call per string was ~60% of RW1 encoding (10k-point bench workload).
 */
export class EncodedStrings {
  /** By field number (a handful, all small), then by string. */
  private readonly byField: Array<Map<string, Uint8Array> | undefined> = [];

  field(field: number, value: string): Uint8Array {
    const fields = (this.byField[field] ??= new Map());
    let encoded = fields.get(value);
    if (encoded === undefined) fields.set(value, (encoded = stringField(field, value)));
    return encoded;
  }
}

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
  const strings = new EncodedStrings();
  for (const series of timeseries) {
    writer.tag(1, WireType.LEN);
    writer.fork();
    for (const { name, value } of series.labels) writeLabelV1(writer, strings.field(1, name), strings.field(2, value));
    for (const sample of series.samples) writeSampleV1(writer, sample.value, sample.timestamp, sample.stale === true);
    for (const exemplar of series.exemplars) writeExemplarV1(writer, exemplar, strings);
    for (const histogram of series.histograms) writeHistogramV1(writer, histogram);
    writer.join();
  }
  writeMetadataV1(writer, metadata, strings);
}

/**
 * TimeSeries.labels (1) or Exemplar.labels (1): one Label from its name (field 1) and value (field 2)
 * as stringField wrote them.
 */
export function writeLabelV1(writer: ProtoWriter, nameField: Uint8Array, valueField: Uint8Array): void {
  writer.tag(1, WireType.LEN);
  writer.varint32(nameField.length + valueField.length);
  writer.raw(nameField);
  writer.raw(valueField);
}

/** TimeSeries.samples (2): value 1, timestamp 2 (no start timestamp in RW1). */
export function writeSampleV1(writer: ProtoWriter, value: number, timestamp: number, stale: boolean): void {
  writer.tag(2, WireType.LEN);
  writer.fork();
  encodeSampleFields(writer, value, timestamp, 0, stale, false);
  writer.join();
}

/** TimeSeries.exemplars (3): labels 1, value 2, timestamp 3. */
export function writeExemplarV1(writer: ProtoWriter, exemplar: TimeSeriesV1['exemplars'][number], strings: EncodedStrings): void {
  writer.tag(3, WireType.LEN);
  writer.fork();
  for (const { name, value } of exemplar.labels) writeLabelV1(writer, strings.field(1, name), strings.field(2, value));
  writeDoubleField(writer, 2, exemplar.value);
  writeInt64Field(writer, 3, exemplar.timestamp);
  writer.join();
}

/** TimeSeries.histograms (4). The RW1 Histogram has the same field numbers as RW2's for fields 1-15. */
export function writeHistogramV1(writer: ProtoWriter, h: Histogram): void {
  writer.tag(4, WireType.LEN);
  writer.fork();
  encodeHistogramFields(writer, { ...h, customValues: [], startTimestamp: 0 });
  writer.join();
}

/** WriteRequest.metadata (3): type 1, metric_family_name 2, help 4, unit 5. */
export function writeMetadataV1(writer: ProtoWriter, metadata: readonly MetricMetadataV1[], strings: EncodedStrings): void {
  for (const entry of metadata) {
    writer.tag(3, WireType.LEN);
    writer.fork();
    if (entry.type !== 0) {
      writer.tag(1, WireType.VARINT);
      writer.varint32(entry.type);
    }
    writer.raw(strings.field(2, entry.metricFamilyName));
    writer.raw(strings.field(4, entry.help));
    writer.raw(strings.field(5, entry.unit));
    writer.join();
  }
}
