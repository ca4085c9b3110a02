import { ProtoReader, WireType } from '../protobuf/reader.js';
import { decodeHistogram, decodeSample, int64Number } from './decode-v2.js';
import type { MetricMetadataV1, TimeSeriesV1 } from './encode-v1.js';
import type { Histogram, Labels, MetricType, Sample } from './types.js';

export interface WriteRequestV1 {
  timeseries: Array<TimeSeriesV1 & { samples: Sample[]; histograms: Histogram[] }>;
  metadata: MetricMetadataV1[];
}

/** Decodes a `prometheus.WriteRequest` (RW1): timeseries 1, metadata 3. */
export function decodeWriteRequestV1(bytes: Uint8Array): WriteRequestV1 {
  const reader = new ProtoReader(bytes);
  const request: WriteRequestV1 = { timeseries: [], metadata: [] };
  while (reader.pos < bytes.length) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) request.timeseries.push(decodeTimeSeries(reader, reader.lengthDelimitedEnd()));
    else if (tag === ((3 << 3) | WireType.LEN)) request.metadata.push(decodeMetadata(reader, reader.lengthDelimitedEnd()));
    else reader.skip(tag & 7);
  }
  return request;
}

/** TimeSeries: labels 1, samples 2, exemplars 3, histograms 4. */
function decodeTimeSeries(reader: ProtoReader, end: number): WriteRequestV1['timeseries'][number] {
  const labels: Labels = [];
  const samples: Sample[] = [];
  const exemplars: Array<{ labels: Labels; value: number; timestamp: number }> = [];
  const histograms: Histogram[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) labels.push(decodeLabel(reader, reader.lengthDelimitedEnd()));
    else if (tag === ((2 << 3) | WireType.LEN)) samples.push(decodeSample(reader, reader.lengthDelimitedEnd()));
    else if (tag === ((3 << 3) | WireType.LEN)) {
      const exemplarEnd = reader.lengthDelimitedEnd();
      const exemplar = { labels: [] as Labels, value: 0, timestamp: 0 };
      while (reader.pos < exemplarEnd) {
        const exemplarTag = reader.tag();
        if (exemplarTag === ((1 << 3) | WireType.LEN)) exemplar.labels.push(decodeLabel(reader, reader.lengthDelimitedEnd()));
        else if (exemplarTag === ((2 << 3) | WireType.I64)) exemplar.value = reader.double();
        else if (exemplarTag === ((3 << 3) | WireType.VARINT)) exemplar.timestamp = int64Number(reader);
        else reader.skip(exemplarTag & 7);
      }
      reader.endOf(exemplarEnd, 'exemplar');
      exemplars.push(exemplar);
    } else if (tag === ((4 << 3) | WireType.LEN)) histograms.push(decodeHistogram(reader, reader.lengthDelimitedEnd()));
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'timeseries');
  return { labels, samples, exemplars, histograms };
}

/** Label: name 1, value 2. */
function decodeLabel(reader: ProtoReader, end: number): { name: string; value: string } {
  const label = { name: '', value: '' };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.LEN)) label.name = reader.string();
    else if (tag === ((2 << 3) | WireType.LEN)) label.value = reader.string();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'label');
  return label;
}

/** MetricMetadata: type 1, metric_family_name 2, help 4, unit 5. */
function decodeMetadata(reader: ProtoReader, end: number): MetricMetadataV1 {
  const metadata: MetricMetadataV1 = { type: 0, metricFamilyName: '', help: '', unit: '' };
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | WireType.VARINT)) metadata.type = reader.varint32() as MetricType;
    else if (tag === ((2 << 3) | WireType.LEN)) metadata.metricFamilyName = reader.string();
    else if (tag === ((4 << 3) | WireType.LEN)) metadata.help = reader.string();
    else if (tag === ((5 << 3) | WireType.LEN)) metadata.unit = reader.string();
    else reader.skip(tag & 7);
  }
  reader.endOf(end, 'metadata');
  return metadata;
}
