// `otlp2prw serve` as a process (SIGTERM drains the queue, exit 0) and its configuration sources.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/cli/serve.js';
import { UsageError } from '../../src/cli/flags.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';
import { encodeOtlp } from '../support/proto.js';
import { startFakeReceiver, waitFor } from './support.js';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('otlp2prw serve (child process)', () => {
  it('logs where it listens and sends, and on SIGTERM stops accepting, drains the queue and exits 0', async () => {
    const receiver = await startFakeReceiver();
    receiver.delayMs = 300;
    const child = spawn(process.execPath, [MAIN, 'serve', '--listen', '127.0.0.1:0', '--grpc-listen', '127.0.0.1:0', '--remote-write-url', receiver.url, '--shards', '1', '--log-format', 'json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Array<Record<string, string>> = [];
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => lines.some((line) => line.msg === 'otlp2prw bridge started'), 10_000, 'the startup line');
      const started = lines.find((line) => line.msg === 'otlp2prw bridge started') as Record<string, string>;
      expect(started.remote_write).toBe(receiver.url);
      expect(started.otlp_http).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/metrics$/);
      expect(started.otlp_grpc).toMatch(/^127\.0\.0\.1:\d+$/);
      for (let i = 0; i < 3; i++) {
        const body = new Uint8Array(encodeOtlp(exportRequest(resourceMetrics({ 'service.name': `drain-${i}` }, [{ metrics: [gauge({ name: 'g' }, [{ value: i, timeMs: Date.now() }])] }]))));
        const response = await fetch(started.otlp_http, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, body });
        expect(response.status).toBe(200);
      }
      // Three requests queued behind a slow receiver: none delivered yet when the signal arrives.
      expect(receiver.requests.length).toBeLessThan(3);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect([...receiver.series().keys()].sort()).toEqual(['g{job="drain-0"}', 'g{job="drain-1"}', 'g{job="drain-2"}']);
      expect(lines.map((line) => line.msg)).toContain('stopped');
    } finally {
      child.kill('SIGKILL');
      await receiver.close();
    }
  }, 30_000);

  it('exits 2 with one line for a bad flag', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve', '--listen', 'nowhere'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('otlp2prw: --listen must be host:port, not nowhere\n');
  });
});

describe('serve configuration: flags over environment over --config file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-config-'));
  const file = path.join(dir, 'bridge.json');
  writeFileSync(
    file,
    JSON.stringify({
      listen: '0.0.0.0:9999',
      'remote-write-url': 'http://from-file:9090/api/v1/write',
      shards: 8,
      header: ['X-A=1', 'X-B=2'],
      'promote-scope-metadata': true,
      'cors-allowed-origins': ['https://a.example'],
      'wal-dir': '/var/lib/otlp2prw',
    }),
  );

  it('reads every key from the file', () => {
    const config = resolveServeConfig(['--config', file], {});
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(9999);
    expect(config.remoteWriteUrl).toBe('http://from-file:9090/api/v1/write');
    expect(config.forwarder.shards).toBe(8);
    expect(config.forwarder.headers).toEqual({ 'X-A': '1', 'X-B': '2' });
    expect(config.builder.promoteScopeMetadata).toBe(true);
    expect(config.corsAllowedOrigins).toEqual(['https://a.example']);
    expect(config.walDir).toBe('/var/lib/otlp2prw');
  });

  it('lets the environment override the file, and flags override both', () => {
    const env = { OTLP2PRW_REMOTE_WRITE_URL: 'http://from-env/api/v1/write', OTLP2PRW_SHARDS: '3', OTLP2PRW_BEARER_TOKEN: 's3cret', OTLP2PRW_TENANT: 'team-a' };
    const config = resolveServeConfig(['--config', file, '--shards', '2'], env);
    expect(config.remoteWriteUrl).toBe('http://from-env/api/v1/write');
    expect(config.forwarder.shards).toBe(2);
    expect(config.forwarder.bearerToken).toBe('s3cret');
    expect(config.forwarder.tenant).toBe('team-a');
  });

  it('defaults: 127.0.0.1:4318, OTLP/gRPC on 127.0.0.1:4317, embedded receiver, 16 MiB bodies', () => {
    const config = resolveServeConfig([], {});
    expect([config.host, config.port, config.remoteWriteUrl, config.maxBodyBytes]).toEqual(['127.0.0.1', 4318, undefined, 16 << 20]);
    expect(config.grpc).toEqual({ host: '127.0.0.1', port: 4317 });
  });

  it('--grpc-listen moves the gRPC listener, --no-grpc (or OTLP2PRW_NO_GRPC=true) turns it off', () => {
    expect(resolveServeConfig(['--grpc-listen', '[::]:14317'], {}).grpc).toEqual({ host: '::', port: 14317 });
    expect(resolveServeConfig(['--no-grpc'], {}).grpc).toBeUndefined();
    expect(resolveServeConfig([], { OTLP2PRW_NO_GRPC: 'true' }).grpc).toBeUndefined();
    expect(() => resolveServeConfig(['--no-grpc', '--grpc-listen', ':4317'], {})).toThrow('--grpc-listen and --no-grpc are exclusive');
    expect(() => resolveServeConfig(['--grpc-listen', '4317'], {})).toThrow('--grpc-listen must be host:port, not 4317');
  });

  it('refuses unknown config keys, reserved headers and bad values as usage errors', () => {
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ 'remote-write': 'x' }));
    expect(() => resolveServeConfig(['--config', path.join(dir, 'bad.json')], {})).toThrow(UsageError);
    expect(() => resolveServeConfig(['--header', 'Content-Type=text/plain'], {})).toThrow(/reserved/);
    expect(() => resolveServeConfig(['--remote-write-url', 'ftp://x'], {})).toThrow(UsageError);
    expect(() => resolveServeConfig(['--max-body-bytes', '0'], {})).toThrow(UsageError);
    rmSync(dir, { recursive: true, force: true });
  });
});
