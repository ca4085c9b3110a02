import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { V2WriteRequestBuilder } from '../../src/index.js';
import { decodeRw2, encodeOtlp } from '../support/proto.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';

const GOLDEN_DIR = new URL('../fixtures/golden/', import.meta.url);
/** Set UPDATE_GOLDEN=1 to rewrite the expected bytes after an intended change (review the diff!). */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const ENGINES = ['wasm', 'js'] as const;

describe('golden bytes: a request worked out by hand from the RW2 field table', () => {
  // symbols: "" "__name__" "up" "job" "api"; one series [1,2,3,4]; Sample{value 1.0, timestamp 1000};
  // Metadata{type GAUGE}. Fields in ascending order, zero scalars omitted (as Prometheus's gogo marshalling).
  const expected = [
    '2200', // symbols[0] = ""
    '2208' + Buffer.from('__name__').toString('hex'),
    '2202' + Buffer.from('up').toString('hex'),
    '2203' + Buffer.from('job').toString('hex'),
    '2203' + Buffer.from('api').toString('hex'),
    '2a18', // timeseries, 24 bytes
    '0a0401020304', // labels_refs packed
    '120c' + '09000000000000f03f' + '10e807', // sample: value 1.0, timestamp 1000
    '2a020802', // metadata: type GAUGE
  ].join('');

  for (const engine of ENGINES) {
    it(`${engine} engine writes exactly these bytes`, () => {
      const builder = new V2WriteRequestBuilder({ engine });
      builder.add(exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'up' }, [{ value: 1, timeMs: 1000 }])] }])));
      expect(Buffer.from(builder.encode()).toString('hex')).toBe(expected);
    });
  }
});

describe('golden bytes: the same request as RW1, worked out by hand from prometheus.WriteRequest', () => {
  // TimeSeries{labels [Label{name 1, value 2}] in label order, samples [Sample{value 1, timestamp 2}]},
  // then MetricMetadata{type 1, metric_family_name 2} (help and unit empty: not written).
  const label = (name: string, value: string) => {
    const body = `0a${name.length.toString(16).padStart(2, '0')}${Buffer.from(name).toString('hex')}12${value.length.toString(16).padStart(2, '0')}${Buffer.from(value).toString('hex')}`;
    return `0a${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
  };
  const series = label('__name__', 'up') + label('job', 'api') + '120c' + '09000000000000f03f' + '10e807';
  const expected = `0a${(series.length / 2).toString(16).padStart(2, '0')}${series}` + '1a06' + '0802' + '1202' + Buffer.from('up').toString('hex');

  for (const engine of ENGINES) {
    it(`${engine} engine writes exactly these bytes`, () => {
      const builder = new V2WriteRequestBuilder({ engine });
      builder.add(exportRequest(resourceMetrics({ 'service.name': 'api' }, [{ metrics: [gauge({ name: 'up' }, [{ value: 1, timeMs: 1000 }])] }])));
      expect(Buffer.from(builder.encodeV1()).toString('hex')).toBe(expected);
    });
  }
});

describe('golden bytes: fixtures in test/fixtures/golden (OTLP JSON in, RW2 bytes out)', () => {
  const cases = readdirSync(GOLDEN_DIR).filter((file) => file.endsWith('.otlp.json'));
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  for (const file of cases) {
    const name = file.replace('.otlp.json', '');
    const input = readFileSync(new URL(file, GOLDEN_DIR), 'utf8');
    const { options = {}, request } = JSON.parse(input) as { options?: object; request: object };
    const expectedFile = new URL(`${name}.rw2.hex`, GOLDEN_DIR);
    for (const engine of ENGINES) {
      it(`${name} (${engine})`, () => {
        const fromJson = new V2WriteRequestBuilder({ engine, ...options }).add(request).encode();
        const fromProtobuf = new V2WriteRequestBuilder({ engine, ...options }).add(encodeOtlp(request)).encode();
        expect(Buffer.from(fromProtobuf).equals(Buffer.from(fromJson))).toBe(true);
        const hex = Buffer.from(fromJson).toString('hex');
        if (UPDATE || !existsSync(expectedFile)) {
          if (!UPDATE && process.env.CI === 'true') throw new Error(`missing golden file ${name}.rw2.hex`);
          writeFileSync(expectedFile, `${hex}\n`);
        }
        expect(hex).toBe(readFileSync(expectedFile, 'utf8').trim());
        // protobufjs, reading proto/, must see a valid request (an independent decoder of our bytes).
        const decoded = decodeRw2(fromJson);
        expect(decoded.symbols[0]).toBe('');
        expect(decoded.timeseries.length).toBeGreaterThan(0);
      });
    }
  }
});
