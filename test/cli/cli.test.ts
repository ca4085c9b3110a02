// The otlp2prw command as a user runs it: `node dist/cli/main.js` in a child process (npm test's
// pretest builds dist/). Output is checked with the independent protobufjs decoders of
// test/support/proto.ts, and against the CLI's own `decode`.
//
// Exit codes (flags.ts HELP): 0 success, 1 bad input, 2 bad command line; a failure prints exactly one
// line on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_NAN_BITS, decodeRw1, decodeRw2, encodeOtlp, resolveRw2 } from '../support/proto.js';
import { snappyDecompress } from '../support/snappy.js';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const CLI = path.join(PROJECT_DIR, 'dist/cli/main.js');

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(args: string[], input?: Uint8Array | string): Run {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, timeout: 30_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** A run that must succeed; shows stderr when it does not. */
function ok(args: string[], input?: Uint8Array | string): Run {
  const result = run(args, input);
  expect(result.status, `otlp2prw ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

/** A run that must fail with `status` and exactly one stderr line matching `problem`. */
function fails(status: number, problem: RegExp, args: string[], input?: Uint8Array | string): string {
  const result = run(args, input);
  expect(result.status, `otlp2prw ${args.join(' ')}\nstderr: ${result.stderr}`).toBe(status);
  expect(result.stderr, 'exactly one line on stderr').toMatch(/^otlp2prw: [^\n]+\n$/);
  expect(result.stderr).toMatch(problem);
  return result.stderr;
}

// ---------------------------------------------------------------------------------------------
// The OTLP request

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
const nanos = (ms: number) => `${ms}000000`;
const attrs = (entries: Record<string, string>) => Object.entries(entries).map(([key, value]) => ({ key, value: { stringValue: value } }));

const OTLP = {
  resourceMetrics: [
    {
      resource: {
        attributes: attrs({ 'service.name': 'checkout', 'service.namespace': 'shop', 'service.instance.id': 'c-1', 'host.name': 'node-1' }),
      },
      scopeMetrics: [
        {
          scope: { name: 'net', version: '1.0.0' },
          metrics: [
            {
              name: 'network.io',
              description: 'Bytes moved',
              unit: 'By',
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: [
                  { attributes: attrs({ direction: 'in' }), startTimeUnixNano: nanos(T0 - 60_000), timeUnixNano: nanos(T0), asInt: '1024' },
                  { attributes: attrs({ direction: 'in' }), startTimeUnixNano: nanos(T0 - 60_000), timeUnixNano: nanos(T0 + 10_000), asInt: '4096' },
                ],
              },
            },
            {
              name: 'queue.depth',
              unit: '{item}',
              gauge: {
                dataPoints: [
                  { timeUnixNano: nanos(T0), asDouble: -1.5 },
                  { timeUnixNano: nanos(T0 + 10_000), flags: 1 },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

/** Series as `{labels, samples}` with samples as [timestamp, value bits or value]. */
interface SeriesShape {
  labels: Record<string, string>;
  samples: Array<[number, string | number]>;
}

const COMMON = { instance: 'c-1', job: 'shop/checkout' };

/** What the request above becomes with default options. */
const EXPECTED: SeriesShape[] = [
  {
    labels: { __name__: 'network_io_bytes_total', direction: 'in', ...COMMON },
    samples: [
      [T0, 1024],
      [T0 + 10_000, 4096],
    ],
  },
  {
    labels: { __name__: 'queue_depth', ...COMMON },
    samples: [
      [T0, -1.5],
      [T0 + 10_000, 'stale'],
    ],
  },
  {
    labels: { __name__: 'target_info', host_name: 'node-1', ...COMMON },
    samples: [
      [T0, 1],
      [T0 + 10_000, 1],
    ],
  },
];

const sortSeries = (series: SeriesShape[]) =>
  [...series].sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));

/** protobufjs's view of an uncompressed RW2 body. */
function rw2Shape(bytes: Uint8Array): SeriesShape[] {
  const request = decodeRw2(bytes);
  const resolved = resolveRw2(request);
  return sortSeries(
    resolved.map((series, s) => ({
      labels: series.labels,
      samples: request.timeseries[s].samples.map((sample: any) => [sample.timestamp, sample.valueBits === STALE_NAN_BITS ? 'stale' : sample.value]),
    })),
  );
}

/** protobufjs's view of an uncompressed RW1 body. */
function rw1Shape(bytes: Uint8Array): SeriesShape[] {
  const request = decodeRw1(bytes);
  return sortSeries(
    request.timeseries.map((series: any) => ({
      labels: Object.fromEntries(series.labels.map((label: any) => [label.name, label.value])),
      samples: series.samples.map((sample: any) => [sample.timestamp, sample.valueBits === STALE_NAN_BITS ? 'stale' : sample.value]),
    })),
  );
}

/** The `decode` command's JSON (stale samples carry `stale: true`; NaN prints as null). */
function decodedShape(stdout: Buffer): SeriesShape[] {
  const request = JSON.parse(stdout.toString('utf8'));
  return sortSeries(
    request.timeseries.map((series: any) => ({
      labels: Object.fromEntries(series.labels.map((label: any) => [label.name, label.value])),
      samples: series.samples.map((sample: any) => [sample.timestamp, sample.stale ? 'stale' : sample.value]),
    })),
  );
}

// ---------------------------------------------------------------------------------------------

/** Each test spawns node several times; a loaded machine makes that slow. */
const SPAWNS = { timeout: 60_000 };

let dir: string;
const file = (name: string) => path.join(dir, name);
const protobufInput = encodeOtlp(OTLP);
const jsonInput = JSON.stringify(OTLP);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-cli-'));
  writeFileSync(file('in.pb'), protobufInput);
  writeFileSync(file('in.json'), jsonInput);
  writeFileSync(file('json-without-extension.txt'), jsonInput);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `convert` into a file; returns the file's bytes. */
function convert(input: string, output: string, ...flags: string[]): Uint8Array {
  const result = ok(['convert', '--in', file(input), '--out', file(output), ...flags]);
  expect(result.stdout.length, 'convert --out FILE writes nothing to stdout').toBe(0);
  expect(result.stderr).toMatch(/^otlp2prw: \d+ series, \d+ samples, \d+ histograms -> \d+ bytes \([^)]*\)\n$/);
  return new Uint8Array(readFileSync(file(output)));
}

describe('otlp2prw convert / decode', SPAWNS, () => {
  it('convert --in x.pb --out y.rw, then decode --in y.rw prints the series', () => {
    const body = convert('in.pb', 'out.rw');
    expect(rw2Shape(snappyDecompress(body))).toEqual(sortSeries(EXPECTED));
    const decoded = ok(['decode', '--in', file('out.rw')]);
    expect(decoded.stderr).toBe('');
    expect(decodedShape(decoded.stdout)).toEqual(sortSeries(EXPECTED));
    const request = JSON.parse(decoded.stdout.toString('utf8'));
    expect(request.protobufMessage).toBe('v2');
    expect(request.symbols[0]).toBe('');
    const counter = request.timeseries.find((series: any) => series.labels[0].value === 'network_io_bytes_total');
    expect(counter).toMatchObject({ help: 'Bytes moved', unit: 'bytes', metadata: { type: 1 } });
    expect(counter.samples.map((sample: any) => sample.startTimestamp)).toEqual([T0 - 60_000, T0 - 60_000]);
  });

  it('reads OTLP JSON with --input json, and by the .json extension', () => {
    const fromProtobuf = convert('in.pb', 'from-pb.rw');
    expect(convert('in.json', 'from-json.rw')).toEqual(fromProtobuf);
    expect(convert('json-without-extension.txt', 'from-json-flag.rw', '--input', 'json')).toEqual(fromProtobuf);
    // Without the flag a .txt file is read as protobuf, which JSON text is not.
    fails(1, /invalid OTLP metrics request/, ['convert', '--in', file('json-without-extension.txt'), '--out', file('unused.rw')]);
  });

  it('--engine js and --engine wasm write byte-identical files', () => {
    for (const [input, extra] of [
      ['in.pb', []],
      ['in.json', ['--no-compress']],
      ['in.pb', ['--protobuf-message', 'v1']],
    ] as const) {
      const wasm = convert(input, 'wasm.rw', '--engine', 'wasm', ...extra);
      const js = convert(input, 'js.rw', '--engine', 'js', ...extra);
      expect(Buffer.from(js).equals(Buffer.from(wasm)), `${input} ${extra.join(' ')}`).toBe(true);
    }
  });

  it('--no-compress writes plain protobuf that protobufjs decodes, equal to the snappy body decompressed', () => {
    const plain = convert('in.pb', 'plain.rw', '--no-compress');
    expect(rw2Shape(plain)).toEqual(sortSeries(EXPECTED));
    expect(Buffer.from(plain).equals(Buffer.from(snappyDecompress(convert('in.pb', 'snappy.rw'))))).toBe(true);
    expect(decodedShape(ok(['decode', '--in', file('plain.rw'), '--no-compress']).stdout)).toEqual(sortSeries(EXPECTED));
  });

  it('--protobuf-message v1 writes a prometheus.WriteRequest with labels spelled out', () => {
    const body = convert('in.pb', 'v1.rw', '--protobuf-message', 'v1');
    const plain = snappyDecompress(body);
    expect(rw1Shape(plain)).toEqual(sortSeries(EXPECTED));
    const request = decodeRw1(plain);
    expect(request.metadata).toEqual(
      expect.arrayContaining([expect.objectContaining({ metricFamilyName: 'network_io_bytes_total', help: 'Bytes moved', unit: 'bytes', type: 1 })]),
    );
    const decoded = ok(['decode', '--in', file('v1.rw'), '--protobuf-message', 'v1']);
    const json = JSON.parse(decoded.stdout.toString('utf8'));
    expect(json.protobufMessage).toBe('v1');
    expect(json.timeseries).toHaveLength(EXPECTED.length);
    const names = json.timeseries.map((series: any) => series.labels.find((label: any) => label.name === '__name__')?.value).sort();
    expect(names).toEqual(EXPECTED.map((series) => series.labels.__name__).sort());
  });

  it('reads stdin and writes stdout with -', () => {
    const fromFile = convert('in.pb', 'file.rw');
    const piped = ok(['convert', '--in', '-', '--out', '-'], protobufInput);
    expect(Buffer.from(piped.stdout).equals(Buffer.from(fromFile))).toBe(true);
    expect(piped.stderr).toMatch(/^otlp2prw: 3 series, 6 samples, 0 histograms/);
    const pipedJson = ok(['convert', '--in', '-', '--out', '-', '--input', 'json'], jsonInput);
    expect(Buffer.from(pipedJson.stdout).equals(Buffer.from(fromFile))).toBe(true);
    const decoded = ok(['decode', '--in', '-'], piped.stdout);
    expect(decodedShape(decoded.stdout)).toEqual(sortSeries(EXPECTED));
  });
});

describe('translation flags', SPAWNS, () => {
  const namesOf = (shape: SeriesShape[]) => shape.map((series) => series.labels.__name__).sort();
  const plain = (...flags: string[]) => rw2Shape(convert('in.pb', 'flags.rw', '--no-compress', ...flags));

  it('--namespace prefixes every metric name, target_info included', () => {
    expect(namesOf(plain('--namespace', 'app'))).toEqual(['app_network_io_bytes_total', 'app_queue_depth', 'app_target_info']);
  });

  it('--promote-resource-attributes copies the attribute onto every series but target_info', () => {
    const shape = plain('--promote-resource-attributes', 'host.name,service.name');
    for (const series of shape) {
      expect(series.labels.host_name, series.labels.__name__).toBe('node-1');
      if (series.labels.__name__ === 'target_info') expect(series.labels.service_name).toBeUndefined();
      else expect(series.labels.service_name).toBe('checkout');
    }
    expect(namesOf(shape)).toEqual(namesOf(EXPECTED));
  });

  it('--translation-strategy UnderscoreEscapingWithoutSuffixes drops unit and _total suffixes', () => {
    expect(namesOf(plain('--translation-strategy', 'UnderscoreEscapingWithoutSuffixes'))).toEqual(['network_io', 'queue_depth', 'target_info']);
  });

  it('--external-label adds the label to every series', () => {
    const shape = plain('--external-label', 'a=b', '--external-label', 'cluster=eu-1');
    expect(shape.map((series) => [series.labels.a, series.labels.cluster])).toEqual(shape.map(() => ['b', 'eu-1']));
    // Everything else is unchanged.
    expect(shape.map(({ labels: { a, cluster, ...rest }, samples }) => ({ labels: rest, samples }))).toEqual(sortSeries(EXPECTED));
  });
});

describe('bad input: exit code 1 and one stderr line naming the problem', SPAWNS, () => {
  it('truncated protobuf', () => {
    writeFileSync(file('truncated.pb'), protobufInput.subarray(0, protobufInput.length - 5));
    fails(1, /invalid OTLP metrics request at resourceMetrics\[0\].*byte \d+/, ['convert', '--in', file('truncated.pb'), '--out', file('unused.rw')]);
  });

  it('garbage bytes', () => {
    writeFileSync(file('garbage.pb'), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x13, 0x37]));
    fails(1, /invalid OTLP metrics request.*wire type/, ['convert', '--in', file('garbage.pb'), '--out', file('unused.rw')]);
  });

  it('invalid JSON', () => {
    writeFileSync(file('invalid.json'), '{"resourceMetrics": [');
    fails(1, /invalid OTLP metrics request.*not JSON/, ['convert', '--in', file('invalid.json'), '--out', file('unused.rw')]);
  });

  it('JSON with wrong types', () => {
    fails(1, /invalid OTLP metrics request at resourceMetrics: expected an array, got number 5/, ['convert', '--in', '-', '--out', '-', '--input', 'json'], '{"resourceMetrics": 5}');
    const wrong = structuredClone(OTLP) as any;
    wrong.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[1].asInt = { value: 3 };
    fails(1, /at resourceMetrics\[0\]\.scopeMetrics\[0\]\.metrics\[0\]\.sum\.dataPoints\[1\]\.asInt/, ['convert', '--in', '-', '--out', '-', '--input', 'json'], JSON.stringify(wrong));
  });

  it('no output is written for a request that fails', () => {
    const result = run(['convert', '--in', '-', '--out', '-', '--input', 'json'], '{"resourceMetrics": 5}');
    expect(result.status).toBe(1);
    expect(result.stdout.length).toBe(0);
  });

  it('a missing input file', () => {
    fails(1, /no-such-file\.pb/, ['convert', '--in', file('no-such-file.pb'), '--out', file('unused.rw')]);
  });

  it('decode of bytes that are not a snappy Remote-Write body', () => {
    writeFileSync(file('garbage.rw'), 'this is not snappy');
    fails(1, /invalid Remote-Write request/, ['decode', '--in', file('garbage.rw')]);
  });

  it('--on-invalid-metric reject fails on a delta sum', () => {
    const delta = structuredClone(OTLP) as any;
    delta.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality = 1;
    fails(1, /network\.io/, ['convert', '--in', '-', '--out', '-', '--input', 'json', '--on-invalid-metric', 'reject'], JSON.stringify(delta));
  });
});

describe('bad command line: exit code 2 and one stderr line naming the problem', SPAWNS, () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['convert', '--in', 'x.pb'], /convert needs --in FILE\|- and --out FILE\|-/],
    [['decode'], /decode needs --in/],
    [['convert', '--in', 'x.pb', '--out', 'y.rw', '--bogus'], /--bogus/],
    [['convert', '--in', '-', '--out', '-', '--engine', 'rust'], /--engine must be wasm or js, not rust/],
    [['convert', '--in', '-', '--out', '-', '--protobuf-message', 'v3'], /--protobuf-message must be v2 or v1, not v3/],
    [['decode', '--in', '-', '--protobuf-message', 'v3'], /--protobuf-message must be v2 or v1, not v3/],
    [['convert', '--in', '-', '--out', '-', '--input', 'xml'], /--input must be proto or json, not xml/],
    [['convert', '--in', '-', '--out', '-', '--namespace'], /--namespace/],
  ])('otlp2prw %j', (args, problem) => {
    fails(2, problem, args, protobufInput);
  });

  it.each([
    [['--translation-strategy', 'Bogus'], /--translation-strategy must be one of/],
    [['--external-label', 'novalue'], /--external-label must be name=value, not novalue/],
    [['--lookback-delta-ms', 'soon'], /--lookback-delta-ms must be a positive integer, not soon/],
    [['--on-invalid-metric', 'maybe'], /--on-invalid-metric must be drop or reject/],
  ])('otlp2prw convert %j (bad translation flag value)', (flags, problem) => {
    fails(2, problem, ['convert', '--in', '-', '--out', '-', ...flags], protobufInput);
  });

  it('bad translation flag values are at least refused with one line naming the flag', () => {
    for (const [flag, value] of [
      ['--translation-strategy', 'Bogus'],
      ['--external-label', 'novalue'],
      ['--lookback-delta-ms', 'soon'],
      ['--on-invalid-metric', 'maybe'],
    ]) {
      const result = run(['convert', '--in', '-', '--out', '-', flag, value], protobufInput);
      expect(result.status).not.toBe(0);
      expect(result.stdout.length).toBe(0);
      expect(result.stderr).toMatch(/^otlp2prw: [^\n]+\n$/);
      expect(result.stderr).toContain(flag);
    }
  });

  it('no command at all prints the usage and exits 2', () => {
    const result = run([]);
    expect(result.status).toBe(2);
    expect(result.stdout.toString('utf8')).toContain('Usage:');
  });
});

describe('help and demo', SPAWNS, () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage and exits 0', (flag) => {
    const result = ok([flag]);
    const text = result.stdout.toString('utf8');
    expect(text).toContain('Usage:');
    expect(text).toContain('otlp2prw convert --in FILE|- --out FILE|-');
    expect(text).toContain('Exit codes: 0 success, 1 bad input');
    expect(result.stderr).toBe('');
  });

  it('demo converts the built-in request and prints one line per sample', () => {
    const result = ok(['demo']);
    const lines = result.stdout.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^otlp2prw demo: converted a built-in OTLP request into a \d+-byte snappy RW2 body \(engine wasm\)$/);
    expect(lines[1]).toMatch(/^\d+ symbols, \d+ series:$/);
    const samples = lines.slice(2);
    expect(samples.length).toBeGreaterThan(0);
    for (const line of samples) expect(line).toMatch(/^ {2}[a-zA-Z_:][a-zA-Z0-9_:]*\{.*\} \S+ @\d+$/);
    expect(samples.some((line) => line.startsWith('  http_server_requests_total{'))).toBe(true);
    expect(result.stderr).toBe('');
  });
});
