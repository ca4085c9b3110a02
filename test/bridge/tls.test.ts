// TLS on the bridge's listening side (`tls` / --listen-tls-*): OTLP/HTTP over HTTPS and OTLP/gRPC over
// TLS, with and without client certificates, against certificates made at test time with openssl.
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_METHOD_PATH } from '../../src/bridge/grpc.js';
import { METRICS_PATH, type OtlpHttpBridge } from '../../src/bridge/server.js';
import { UsageError } from '../../src/cli/flags.js';
import { resolveServeConfig } from '../../src/cli/serve.js';
import { exportRequest, gauge, resourceMetrics } from '../support/otlp.js';
import { type Pki, makePki, opensslAvailable } from '../support/pki.js';
import { encodeOtlp } from '../support/proto.js';
import { type FakeReceiver, startFakeReceiver, startTestBridge, waitFor } from './support.js';

const hasOpenssl = opensslAvailable('test/bridge/tls.test.ts');
const NOW = Date.now();

function gaugeRequest(job: string, value: number): Uint8Array {
  return encodeOtlp(
    exportRequest(resourceMetrics({ 'service.name': job, 'service.instance.id': 'i-1' }, [{ metrics: [gauge({ name: 'queue.depth' }, [{ value, timeMs: NOW, attributes: { queue: 'a' } }])] }])),
  );
}

/** POST /v1/metrics over HTTPS trusting `ca`; resolves the status, rejects on a TLS or socket failure. */
function postHttps(url: string, body: Uint8Array, tls: { ca: string; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${url}${METRICS_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/x-protobuf' }, ...tls }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** One unary Export call over TLS; resolves the grpc status code (0 = OK). */
function exportTls(address: string, body: Uint8Array, credentials: grpc.ChannelCredentials): Promise<number> {
  const client = new grpc.Client(address, credentials);
  return new Promise((resolve) => {
    client.makeUnaryRequest(EXPORT_METHOD_PATH, (bytes: Uint8Array) => Buffer.from(bytes), (buffer: Buffer) => new Uint8Array(buffer), body, (error) => {
      client.close();
      resolve(error === null ? 0 : error.code);
    });
  });
}

describe.skipIf(!hasOpenssl)('bridge listening over TLS', () => {
  let dir: string;
  let pki: Pki;
  let receiver: FakeReceiver;
  let bridge: OtlpHttpBridge;
  let mutual: OtlpHttpBridge;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otlp2prw-bridge-tls-'));
    pki = makePki(dir);
    receiver = await startFakeReceiver();
    bridge = await startTestBridge(receiver.url, { grpc: { port: 0 }, tls: { cert: pki.server.cert, key: pki.server.key } });
    mutual = await startTestBridge(receiver.url, { grpc: { port: 0 }, tls: { cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca } });
  });
  afterAll(async () => {
    await bridge?.close();
    await mutual?.close();
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves OTLP/HTTP over HTTPS: the export arrives at the Remote-Write receiver', async () => {
    expect(bridge.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await postHttps(bridge.url, gaugeRequest('https', 3), { ca: pki.ca })).toBe(200);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="https",queue="a"}') === 3, 10_000, 'the HTTPS export');
  });

  it('does not answer plaintext HTTP on the TLS port', async () => {
    const plain = bridge.url.replace('https://', 'http://');
    const outcome = await fetch(`${plain}${METRICS_PATH}`, { method: 'POST', body: Buffer.from(gaugeRequest('plain', 1)) }).then(
      (response) => response.status,
      () => 'failed',
    );
    expect(outcome).not.toBe(200);
  });

  it('a client that does not trust the certificate is refused', async () => {
    // The stranger's certificate comes from another CA: as the only trust anchor it vouches for nothing here.
    await expect(postHttps(bridge.url, gaugeRequest('untrusted', 1), { ca: pki.stranger.cert })).rejects.toThrow();
  });

  it('serves OTLP/gRPC over TLS; a plaintext client gets UNAVAILABLE', async () => {
    const address = bridge.grpcAddress as string;
    expect(await exportTls(address, gaugeRequest('grpc-tls', 4), grpc.credentials.createSsl(Buffer.from(pki.ca)))).toBe(grpc.status.OK);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="grpc-tls",queue="a"}') === 4, 10_000, 'the gRPC export');
    expect(await exportTls(address, gaugeRequest('grpc-plain', 1), grpc.credentials.createInsecure())).toBe(grpc.status.UNAVAILABLE);
  });

  it('mutual TLS: HTTPS needs a client certificate from the client CA', async () => {
    await expect(postHttps(mutual.url, gaugeRequest('mtls-none', 1), { ca: pki.ca })).rejects.toThrow();
    await expect(postHttps(mutual.url, gaugeRequest('mtls-stranger', 1), { ca: pki.ca, ...pki.stranger })).rejects.toThrow();
    expect(await postHttps(mutual.url, gaugeRequest('mtls', 5), { ca: pki.ca, ...pki.client })).toBe(200);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="mtls",queue="a"}') === 5, 10_000, 'the mutual-TLS export');
  });

  it('mutual TLS: gRPC needs a client certificate from the client CA', async () => {
    const address = mutual.grpcAddress as string;
    const withoutCert = grpc.credentials.createSsl(Buffer.from(pki.ca));
    expect(await exportTls(address, gaugeRequest('grpc-mtls-none', 1), withoutCert)).not.toBe(grpc.status.OK);
    const withCert = grpc.credentials.createSsl(Buffer.from(pki.ca), Buffer.from(pki.client.key), Buffer.from(pki.client.cert));
    expect(await exportTls(address, gaugeRequest('grpc-mtls', 6), withCert)).toBe(grpc.status.OK);
    await waitFor(() => receiver.series().get('queue_depth{instance="i-1",job="grpc-mtls",queue="a"}') === 6, 10_000, 'the gRPC mutual-TLS export');
  });

  it('the serve command takes the PEM files, and refuses half a configuration', () => {
    const files = { cert: join(dir, 'server.crt'), key: join(dir, 'server.key'), ca: join(dir, 'ca.crt') };
    const config = resolveServeConfig(['--listen-tls-cert-file', files.cert, '--listen-tls-key-file', files.key, '--listen-tls-client-ca-file', files.ca], {});
    expect(config.listenTls).toEqual({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ca });
    expect(resolveServeConfig([], {}).listenTls).toBeUndefined();
    expect(() => resolveServeConfig(['--listen-tls-cert-file', files.cert], {})).toThrow(UsageError);
    expect(() => resolveServeConfig(['--listen-tls-client-ca-file', files.ca], {})).toThrow(UsageError);
    expect(() => resolveServeConfig(['--listen-tls-cert-file', files.cert, '--listen-tls-key-file', files.key, '--demo'], {})).toThrow(/--demo/);
    const missing = join(dir, 'missing.pem');
    expect(() => resolveServeConfig(['--listen-tls-cert-file', missing, '--listen-tls-key-file', files.key], {})).toThrow(/missing\.pem/);
  });
});
