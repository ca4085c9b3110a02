#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { V2WriteRequestBuilder } from '../builder/builder.js';
import { Otlp2PrwError } from '../errors.js';
import { readWriteRequest } from '../rw/read.js';
import { demoRequest } from './demo-request.js';
import { HELP, UsageError, translationFlags, translationOptionsFrom } from './flags.js';
import { serve } from './serve.js';

/** Input or output files that cannot be used: a user error (exit 1), not an internal one. */
class FileError extends Error {}

function readInput(path: string): Uint8Array {
  try {
    return path === '-' ? new Uint8Array(readFileSync(0)) : new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new FileError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

function writeOutput(path: string, bytes: Uint8Array | string): void {
  try {
    if (path === '-') process.stdout.write(bytes);
    else writeFileSync(path, bytes);
  } catch (error) {
    throw new FileError(`cannot write ${path}: ${(error as Error).message}`);
  }
}

function convert(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      in: { type: 'string' },
      out: { type: 'string' },
      engine: { type: 'string', default: 'wasm' },
      input: { type: 'string' },
      'protobuf-message': { type: 'string', default: 'v2' },
      'no-compress': { type: 'boolean', default: false },
      ...translationFlags,
    },
    strict: true,
  });
  if (values.in === undefined || values.out === undefined) throw new UsageError('convert needs --in FILE|- and --out FILE|-');
  if (values.engine !== 'wasm' && values.engine !== 'js') throw new UsageError(`--engine must be wasm or js, not ${values.engine}`);
  const message = values['protobuf-message'];
  if (message !== 'v2' && message !== 'v1') throw new UsageError(`--protobuf-message must be v2 or v1, not ${message}`);
  const format = values.input ?? (values.in.endsWith('.json') ? 'json' : 'proto');
  if (format !== 'proto' && format !== 'json') throw new UsageError(`--input must be proto or json, not ${format}`);
  const builder = new V2WriteRequestBuilder({ engine: values.engine, ...translationOptionsFrom(values) });
  const input = readInput(values.in);
  builder.add(input, format === 'json' ? 'json' : 'protobuf');
  const compress = !values['no-compress'];
  const body = message === 'v1' ? (compress ? builder.encodeV1Snappy() : builder.encodeV1()) : compress ? builder.encodeSnappy() : builder.encode();
  writeOutput(values.out, body);
  const stats = builder.stats;
  const dropped = stats.dropped.metrics;
  process.stderr.write(
    `otlp2prw: ${stats.series} series, ${stats.samples} samples, ${stats.histograms} histograms -> ${body.length} bytes (${message}${compress ? ', snappy' : ''})` +
      `${dropped > 0 ? `; dropped ${dropped} metrics: ${stats.dropped.recent.map((d) => `${d.metric} (${d.reason})`).join(', ')}` : ''}\n`,
  );
}

function decode(args: string[]): void {
  const { values } = parseArgs({
    args,
    options: {
      in: { type: 'string' },
      'no-compress': { type: 'boolean', default: false },
      'protobuf-message': { type: 'string', default: 'v2' },
    },
    strict: true,
  });
  if (values.in === undefined) throw new UsageError('decode needs --in FILE|-');
  const message = values['protobuf-message'];
  if (message !== 'v2' && message !== 'v1') throw new UsageError(`--protobuf-message must be v2 or v1, not ${message}`);
  const request = readWriteRequest(readInput(values.in), { compressed: !values['no-compress'], protobufMessage: message });
  process.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
}

/** `npm start` until the bridge exists: converts a built-in OTLP request and prints the series. */
function demo(): void {
  const builder = new V2WriteRequestBuilder();
  builder.add(demoRequest(Date.now()));
  const body = builder.encodeSnappy();
  const request = readWriteRequest(body);
  console.log(`otlp2prw demo: converted a built-in OTLP request into a ${body.length}-byte snappy RW2 body (engine ${builder.engineKind})`);
  console.log(`${request.symbols.length} symbols, ${request.timeseries.length} series:`);
  for (const series of request.timeseries) {
    const name = series.labels.find((label) => label.name === '__name__')?.value ?? '';
    const labels = series.labels
      .filter((label) => label.name !== '__name__')
      .map((label) => `${label.name}=${JSON.stringify(label.value)}`)
      .join(', ');
    for (const sample of series.samples) console.log(`  ${name}{${labels}} ${sample.value} @${sample.timestamp}`);
  }
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'convert':
        convert(rest);
        return 0;
      case 'decode':
        decode(rest);
        return 0;
      case 'demo':
        demo();
        return 0;
      case 'serve':
        // Returns once listening is under way; the process then lives until SIGTERM/SIGINT.
        serve(rest);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (try --help)`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isInputError = error instanceof Otlp2PrwError || error instanceof UsageError || error instanceof FileError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`otlp2prw: ${isInputError ? '' : 'internal error: '}${message.split('\n')[0]}\n`);
    const code = (error as { code?: string }).code;
    return error instanceof UsageError || code === 'invalid_option' || code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
}

process.exitCode = main(process.argv.slice(2));
