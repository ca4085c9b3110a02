// `otlp2prw serve`: the OTLP/HTTP (and gRPC) bridge as a command. Every flag can also come from the environment
// (OTLP2PRW_<FLAG_IN_UPPER_SNAKE_CASE>, e.g. OTLP2PRW_REMOTE_WRITE_URL) or from `--config file.json`
// with the flag names as keys; the command line wins over the environment, which wins over the file.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BuilderOptions } from '../builder/builder.js';
import { startDemoTraffic } from '../bridge/demo-traffic.js';
import { EmbeddedReceiver } from '../bridge/embedded-receiver.js';
import { LOG_LEVELS, type LogFormat, type LogLevel, type Logger, createLogger } from '../bridge/log.js';
import { SenderForwarder, type SenderForwarderOptions } from '../bridge/sender-forwarder.js';
import { type ListenTls, METRICS_PATH, startBridge } from '../bridge/server.js';
import { WriteAheadLog } from '../bridge/wal.js';
import { RemoteWriteClient, RemoteWriteConfigError } from '../send/index.js';
import { UsageError, translationFlags, translationOptionsFrom } from './flags.js';

export const serveFlags = {
  config: { type: 'string' },
  listen: { type: 'string' },
  'grpc-listen': { type: 'string' },
  'no-grpc': { type: 'boolean' },
  'listen-tls-cert-file': { type: 'string' },
  'listen-tls-key-file': { type: 'string' },
  'listen-tls-client-ca-file': { type: 'string' },
  'remote-write-url': { type: 'string' },
  'protobuf-message': { type: 'string' },
  shards: { type: 'string' },
  'max-series-per-request': { type: 'string' },
  'max-batch-bytes': { type: 'string' },
  'max-queued-requests': { type: 'string' },
  'remote-timeout-ms': { type: 'string' },
  tenant: { type: 'string' },
  'bearer-token': { type: 'string' },
  'bearer-token-file': { type: 'string' },
  header: { type: 'string', multiple: true },
  'tls-ca-file': { type: 'string' },
  'tls-cert-file': { type: 'string' },
  'tls-key-file': { type: 'string' },
  'tls-server-name': { type: 'string' },
  'tls-insecure-skip-verify': { type: 'boolean' },
  'proxy-url': { type: 'string' },
  'max-body-bytes': { type: 'string' },
  'read-timeout-ms': { type: 'string' },
  'cors-allowed-origins': { type: 'string', multiple: true },
  'wal-dir': { type: 'string' },
  'wal-max-bytes': { type: 'string' },
  'drain-timeout-ms': { type: 'string' },
  'retry-after-seconds': { type: 'string' },
  'batch-max-delay-ms': { type: 'string' },
  'batch-max-data-points': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  demo: { type: 'boolean' },
  'demo-interval-ms': { type: 'string' },
  engine: { type: 'string' },
  ...translationFlags,
} as const;

type FlagName = keyof typeof serveFlags;
type FlagValue = string | boolean | string[] | undefined;

export interface ServeConfig {
  host: string;
  port: number;
  /** OTLP/gRPC listener; undefined with --no-grpc. */
  grpc: { host: string; port: number } | undefined;
  /** TLS for both listeners; undefined: plaintext. */
  listenTls: ListenTls | undefined;
  /** undefined: the embedded receiver. */
  remoteWriteUrl: string | undefined;
  forwarder: Omit<SenderForwarderOptions, 'url'>;
  builder: BuilderOptions;
  maxBodyBytes: number;
  readTimeoutMs: number;
  corsAllowedOrigins: string[] | undefined;
  walDir: string | undefined;
  walMaxBytes: number;
  drainTimeoutMs: number;
  retryAfterSeconds: number;
  /** Exports batched into one write (BridgeOptions.batch); undefined: off. */
  batch: { maxDelayMs: number; maxDataPoints: number } | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
  demo: boolean;
  demoIntervalMs: number;
}

export function envName(flag: string): string {
  return `OTLP2PRW_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Command line, then environment, then config file, merged into flag values. */
function mergedFlagValues(args: string[], env: NodeJS.ProcessEnv): Record<string, FlagValue> {
  const { values } = parseArgs({ args, options: serveFlags, strict: true });
  const merged: Record<string, FlagValue> = { ...values };
  const configPath = (values.config as string | undefined) ?? env[envName('config')];
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  for (const [name, spec] of Object.entries(serveFlags) as Array<[FlagName, { type: string; multiple?: boolean }]>) {
    if (merged[name] !== undefined) continue;
    const fromEnv = env[envName(name)];
    if (fromEnv !== undefined && name !== 'config') merged[name] = fromText(name, spec, fromEnv, `environment variable ${envName(name)}`);
    else if (file[name] !== undefined) merged[name] = fromConfig(name, spec, file[name], configPath as string);
  }
  return merged;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--config ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${path}: must hold a JSON object`);
  for (const key of Object.keys(parsed)) {
    if (!(key in serveFlags) || key === 'config') throw new UsageError(`--config ${path}: unknown key ${JSON.stringify(key)} (keys are the serve flags without --)`);
  }
  return parsed as Record<string, unknown>;
}

function fromText(name: string, spec: { type: string; multiple?: boolean }, text: string, where: string): FlagValue {
  if (spec.type === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off|)$/i.test(text)) return false;
    throw new UsageError(`${where} must be true or false, not ${JSON.stringify(text)}`);
  }
  return spec.multiple ? text.split(',').map((item) => item.trim()) : text;
}

function fromConfig(name: string, spec: { type: string; multiple?: boolean }, value: unknown, path: string): FlagValue {
  const where = `--config ${path}: ${name}`;
  if (spec.type === 'boolean') {
    if (typeof value !== 'boolean') throw new UsageError(`${where} must be true or false`);
    return value;
  }
  const items = Array.isArray(value) ? value : [value];
  if (!items.every((item) => typeof item === 'string' || typeof item === 'number')) throw new UsageError(`${where} must be a string, number or list of them`);
  if (!spec.multiple && items.length !== 1) throw new UsageError(`${where} takes one value`);
  return spec.multiple ? items.map(String) : String(items[0]);
}

function integer(values: Record<string, FlagValue>, name: string, fallback: number, min = 1): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min) throw new UsageError(`--${name} must be an integer >= ${min}, not ${String(value)}`);
  return number;
}

function optionalInteger(values: Record<string, FlagValue>, name: string): number | undefined {
  return values[name] === undefined ? undefined : integer(values, name, 0);
}

function listen(value: FlagValue, flag = 'listen', fallback = '127.0.0.1:4318'): { host: string; port: number } {
  const text = typeof value === 'string' ? value : fallback;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  if (match === null) throw new UsageError(`--${flag} must be host:port, not ${text}`);
  const port = Number(match[3]);
  if (port > 65535) throw new UsageError(`--${flag} port must be 0-65535, not ${port}`);
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

function headers(value: FlagValue): Record<string, string> | undefined {
  if (!Array.isArray(value)) return undefined;
  const result: Record<string, string> = {};
  for (const pair of value) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--header must be name=value, not ${pair}`);
    result[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return result;
}

/** The listening side's TLS from the PEM texts of its three flags; certificate and key go together. */
function listenTlsOf(cert: string | undefined, key: string | undefined, clientCa: string | undefined): ListenTls | undefined {
  if (cert === undefined && key === undefined) {
    if (clientCa !== undefined) throw new UsageError('--listen-tls-client-ca-file needs --listen-tls-cert-file and --listen-tls-key-file');
    return undefined;
  }
  if (cert === undefined || key === undefined) throw new UsageError('--listen-tls-cert-file and --listen-tls-key-file go together');
  return clientCa === undefined ? { cert, key } : { cert, key, clientCa };
}

/** The serve command line (plus environment and config file) as a checked configuration. */
export function resolveServeConfig(args: string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const values = mergedFlagValues(args, env);
  const { host, port } = listen(values.listen);
  if (values['no-grpc'] === true && values['grpc-listen'] !== undefined) throw new UsageError('--grpc-listen and --no-grpc are exclusive');
  const grpc = values['no-grpc'] === true ? undefined : listen(values['grpc-listen'], 'grpc-listen', '127.0.0.1:4317');
  const message = values['protobuf-message'];
  if (message !== undefined && message !== 'v2' && message !== 'v1') throw new UsageError(`--protobuf-message must be v2 or v1, not ${String(message)}`);
  const engine = values.engine ?? 'wasm';
  if (engine !== 'wasm' && engine !== 'js') throw new UsageError(`--engine must be wasm or js, not ${String(engine)}`);
  const logLevel = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not ${logLevel}`);
  const logFormat = (values['log-format'] ?? 'logfmt') as LogFormat;
  if (logFormat !== 'logfmt' && logFormat !== 'json') throw new UsageError(`--log-format must be logfmt or json, not ${logFormat}`);
  let bearerToken = values['bearer-token'] as string | undefined;
  const tokenFile = values['bearer-token-file'] as string | undefined;
  if (tokenFile !== undefined) {
    if (bearerToken !== undefined) throw new UsageError('--bearer-token and --bearer-token-file are exclusive');
    try {
      bearerToken = readFileSync(tokenFile, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`--bearer-token-file ${tokenFile}: ${(error as Error).message}`);
    }
  }
  const remoteWriteUrl = values['remote-write-url'] as string | undefined;
  const retryAfterSeconds = integer(values, 'retry-after-seconds', 5);
  const pem = (flag: string): string | undefined => {
    const file = values[flag] as string | undefined;
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--${flag} ${file}: ${(error as Error).message}`);
    }
  };
  const listenTls = listenTlsOf(pem('listen-tls-cert-file'), pem('listen-tls-key-file'), pem('listen-tls-client-ca-file'));
  if (listenTls !== undefined && values.demo === true) {
    throw new UsageError('--demo posts to the bridge over plain HTTP: it cannot be combined with --listen-tls-cert-file');
  }
  const tls = {
    ca: pem('tls-ca-file'),
    cert: pem('tls-cert-file'),
    key: pem('tls-key-file'),
    serverName: values['tls-server-name'] as string | undefined,
    insecureSkipVerify: values['tls-insecure-skip-verify'] === true ? true : undefined,
  };
  const hasTls = Object.values(tls).some((value) => value !== undefined);
  const forwarder: Omit<SenderForwarderOptions, 'url'> = {
    protobufMessage: message,
    shards: optionalInteger(values, 'shards'),
    maxSeriesPerRequest: optionalInteger(values, 'max-series-per-request'),
    maxBatchBytes: optionalInteger(values, 'max-batch-bytes'),
    maxQueuedRequests: integer(values, 'max-queued-requests', 1000),
    timeoutMs: optionalInteger(values, 'remote-timeout-ms'),
    tenant: values.tenant as string | undefined,
    bearerToken,
    headers: headers(values.header),
    ...(hasTls ? { tls } : {}),
    proxyUrl: values['proxy-url'] as string | undefined,
    retryAfterSeconds,
  };
  // The sender's own checks (URL, reserved headers, auth), as a command-line error before anything starts.
  try {
    new RemoteWriteClient({ ...forwarder, url: remoteWriteUrl ?? 'http://127.0.0.1/api/v1/write' });
  } catch (error) {
    if (error instanceof RemoteWriteConfigError) {
      throw new UsageError(error.option === 'url' ? `--remote-write-url ${error.message.slice('url: '.length)}` : error.message);
    }
    throw error;
  }
  const origins = values['cors-allowed-origins'] as string[] | undefined;
  return {
    host,
    port,
    grpc,
    listenTls,
    remoteWriteUrl,
    forwarder,
    builder: { engine, ...translationOptionsFrom(values) },
    maxBodyBytes: integer(values, 'max-body-bytes', 16 << 20),
    readTimeoutMs: integer(values, 'read-timeout-ms', 30_000),
    corsAllowedOrigins: origins?.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== ''),
    walDir: values['wal-dir'] as string | undefined,
    walMaxBytes: integer(values, 'wal-max-bytes', 1 << 30),
    drainTimeoutMs: integer(values, 'drain-timeout-ms', 30_000, 0),
    retryAfterSeconds,
    batch: batchOf(integer(values, 'batch-max-delay-ms', 0, 0), integer(values, 'batch-max-data-points', 20_000)),
    logLevel,
    logFormat,
    demo: values.demo === true,
    demoIntervalMs: integer(values, 'demo-interval-ms', 5_000),
  };
}

/** --batch-max-delay-ms 0 (the default) turns batching off. */
function batchOf(maxDelayMs: number, maxDataPoints: number): ServeConfig['batch'] {
  return maxDelayMs === 0 ? undefined : { maxDelayMs, maxDataPoints };
}

/** Checks the command line synchronously (a UsageError exits 2), then runs until SIGTERM/SIGINT. */
export function serve(args: string[]): void {
  const config = resolveServeConfig(args);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  run(config, logger).catch((error: unknown) => {
    logger.error('otlp2prw serve failed to start', { error: (error as Error).message });
    process.exit(1);
  });
}

async function run(config: ServeConfig, logger: Logger): Promise<void> {
  const embedded = config.remoteWriteUrl === undefined ? await EmbeddedReceiver.start({ logger }) : undefined;
  const forwarder = new SenderForwarder({
    ...config.forwarder,
    url: config.remoteWriteUrl ?? (embedded as EmbeddedReceiver).url,
    // One request per export keeps the embedded receiver's log readable.
    shards: config.forwarder.shards ?? (embedded === undefined ? 4 : 1),
    logger: { warn: (message) => logger.warn(message) },
  });
  const wal = config.walDir === undefined ? undefined : await WriteAheadLog.open(config.walDir, config.walMaxBytes);
  const bridge = await startBridge({
    host: config.host,
    port: config.port,
    grpc: config.grpc,
    tls: config.listenTls,
    forwarder,
    builder: config.builder,
    maxBodyBytes: config.maxBodyBytes,
    readTimeoutMs: config.readTimeoutMs,
    corsAllowedOrigins: config.corsAllowedOrigins,
    wal,
    retryAfterSeconds: config.retryAfterSeconds,
    batch: config.batch,
    drainTimeoutMs: config.drainTimeoutMs,
    logger,
  });
  logger.info('otlp2prw bridge started', {
    otlp_http: `${bridge.url}${METRICS_PATH}`,
    otlp_grpc: bridge.grpcAddress ?? 'off',
    remote_write: forwarder.target,
    receiver: embedded === undefined ? 'remote' : 'embedded (logs what arrives; set --remote-write-url to send to Prometheus)',
    protobuf_message: config.forwarder.protobufMessage ?? 'v2 (RW1 fallback on 415)',
    wal: config.walDir ?? 'off',
    batch: config.batch === undefined ? 'off' : `${config.batch.maxDelayMs} ms or ${config.batch.maxDataPoints} data points`,
    engine: config.builder.engine,
  });
  const demo = config.demo ? startDemoTraffic(`${bridge.url}${METRICS_PATH}`, config.demoIntervalMs, logger) : undefined;
  if (demo) logger.info('demo: exporting sample metrics', { every_ms: config.demoIntervalMs });

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal: exiting without draining', { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: no new requests, draining the remote-write queue', { signal, drain_timeout_ms: config.drainTimeoutMs });
    demo?.stop();
    bridge
      .close()
      .then(() => embedded?.close())
      .then(() => {
        logger.info('stopped', { wal_entries_left: wal?.count ?? 0 });
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error('shutdown failed', { error: (error as Error).message });
        process.exit(1);
      });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
