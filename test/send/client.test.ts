// RemoteWriteClient against a scripted receiver: one describe per RW2 spec rule (remote-write-2.md
// "HTTP", protocol-and-sender.md §1.1-1.3).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteWriteClient, type RemoteWriteClientOptions } from '../../src/send/client.js';
import { RemoteWriteConfigError } from '../../src/send/errors.js';
import { OTLP2PRW_VERSION } from '../../src/send/version.js';
import { backoffDelay, parseRetryAfter, resolveRetryOptions, retryWait } from '../../src/send/backoff.js';
import { type Action, type FaultServer, encodedRequest, fast, keysOf, silent, startFaultServer } from './fault-server.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup(actions: Action[], options: Partial<RemoteWriteClientOptions> = {}) {
  server = await startFaultServer(actions);
  const client = new RemoteWriteClient({ url: server.url, retry: fast, timeoutMs: 2_000, logger: silent, ...options });
  return { server, client };
}

const gaps = (s: FaultServer) => s.received.slice(1).map((r, i) => r.atMs - s.received[i].atMs);

describe('version', () => {
  it('OTLP2PRW_VERSION equals package.json version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(OTLP2PRW_VERSION).toBe(pkg.version);
  });
});

describe('headers (RW2 spec P4-P10)', () => {
  it('sends the exact RW2 headers, POST, and the user agent', async () => {
    const { server, client } = await setup([]);
    const outcome = await client.send(encodedRequest(2));
    expect(outcome.kind).toBe('written');
    const [r] = server.received;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/api/v1/write');
    expect(r.headers['content-type']).toBe('application/x-protobuf;proto=io.prometheus.write.v2.Request');
    expect(r.headers['content-encoding']).toBe('snappy');
    expect(r.headers['x-prometheus-remote-write-version']).toBe('2.0.0');
    expect(r.headers['user-agent']).toBe(`otlp2prw/${OTLP2PRW_VERSION}`);
    expect(r.headers['retry-attempt']).toBeUndefined();
    expect(r.decodeError).toBeUndefined();
  });

  it('forced v1 sends application/x-protobuf and 0.1.0, converting an RW2 request', async () => {
    const { server, client } = await setup([], { protobufMessage: 'v1' });
    const request = encodedRequest(3);
    const outcome = await client.send(request);
    expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v1', samplesWritten: 3, partial: false });
    const [r] = server.received;
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(r.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(r.message).toBe('v1');
    expect(r.sampleKeys.sort()).toEqual(keysOf([request]).sort());
  });

  it('adds custom headers, auth and tenant', async () => {
    const { server, client } = await setup([], { headers: { 'X-Custom': 'a' }, bearerToken: 'tok', tenant: 'team-1', userAgent: 'app/2.0' });
    await client.send(encodedRequest(1));
    const [r] = server.received;
    expect(r.headers['x-custom']).toBe('a');
    expect(r.headers.authorization).toBe('Bearer tok');
    expect(r.headers['x-scope-orgid']).toBe('team-1');
    expect(r.headers['user-agent']).toBe('app/2.0');
  });

  it('basic auth is base64 of user:password (UTF-8)', async () => {
    const { server, client } = await setup([], { basicAuth: { username: 'ü', password: 'p:w' } });
    await client.send(encodedRequest(1));
    expect(server.received[0].headers.authorization).toBe(`Basic ${Buffer.from('ü:p:w').toString('base64')}`);
  });

  it.each(['Content-Type', 'content-encoding', 'X-Prometheus-Remote-Write-Version', 'User-Agent', 'authorization', 'Host'])(
    'refuses the reserved header %s (P5: users MUST NOT override)',
    (name) => {
      expect(() => new RemoteWriteClient({ url: 'http://127.0.0.1:1/w', headers: { [name]: 'x' } })).toThrow(RemoteWriteConfigError);
    },
  );

  it('refuses bad configuration at construction', () => {
    expect(() => new RemoteWriteClient({ url: 'ftp://x/' })).toThrow(/url: must be http/);
    expect(() => new RemoteWriteClient({ url: 'not a url' })).toThrow(RemoteWriteConfigError);
    expect(() => new RemoteWriteClient({ url: 'http://x/', bearerToken: 'a', basicAuth: { username: 'u', password: 'p' } })).toThrow(/at most one/);
    expect(() => new RemoteWriteClient({ url: 'http://x/', tenant: 't', headers: { 'x-scope-orgid': 'u' } })).toThrow(/tenant/);
    expect(() => new RemoteWriteClient({ url: 'http://x/', retry: { minBackoffMs: 10, maxBackoffMs: 5 } })).toThrow(/minBackoffMs/);
    expect(() => new RemoteWriteClient({ url: 'http://x/', timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});

describe('2xx: written, the *-Written headers (R1, R3-R6)', () => {
  it('reports the counts; 200 with a body is fine (the body is ignored)', async () => {
    const { server, client } = await setup([{ status: 200, body: 'ignored' }]);
    const outcome = await client.send(encodedRequest(4, 2));
    expect(outcome).toMatchObject({ kind: 'written', status: 200, samplesWritten: 8, histogramsWritten: 0, exemplarsWritten: 0, partial: false, attempts: 1 });
    expect(server.received).toHaveLength(1);
  });

  it('fewer written than sent: partial, reported, not retried', async () => {
    const { server, client } = await setup([{ status: 204, written: { samples: 3, histograms: 0, exemplars: 0 } }]);
    const outcome = await client.send(encodedRequest(5));
    expect(outcome).toMatchObject({ kind: 'written', partial: true, samplesWritten: 3, attempts: 1 });
    expect(server.received).toHaveLength(1);
    const t = client.telemetry();
    expect(t.samples).toMatchObject({ sent: 3, failed: 2 });
    expect(t.requests.partial).toBe(1);
  });

  it('a missing header among present ones counts as 0 written (R4)', async () => {
    const { client } = await setup([{ status: 204, written: { histograms: 0, exemplars: 0 } }]);
    expect(await client.send(encodedRequest(2))).toMatchObject({ kind: 'written', samplesWritten: 0, partial: true });
  });

  it('v1: missing headers are not read as 0 (R4 MUST NOT)', async () => {
    const { client } = await setup([], { protobufMessage: 'v1' });
    expect(await client.send(encodedRequest(2))).toMatchObject({ kind: 'written', samplesWritten: 2, partial: false });
  });
});

describe('fallback to RW1 (R5, R8, R10; spec 1.4)', () => {
  it('415: resends the same series as RW1 and keeps RW1 for later sends', async () => {
    const { server, client } = await setup([{ status: 415, body: 'unsupported' }]);
    const request = encodedRequest(3);
    const outcome = await client.send(request);
    expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v1', samplesWritten: 3, attempts: 2 });
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1']);
    expect(server.received[1].headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(server.received[1].sampleKeys.sort()).toEqual(keysOf([request]).sort());
    expect(client.protobufMessage).toBe('v1');
    // Sticky: the next RW2 request goes out as RW1 at once.
    await client.send(encodedRequest(2));
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1', 'v1']);
    expect(server.accepted().length).toBe(5);
    expect(client.telemetry().fallbacksToV1).toBe(1);
  });

  it('2xx to RW2 without any Written header = a 1.x receiver that dropped everything: like 415', async () => {
    const { server, client } = await setup([{ status: 204, written: 'none' }]);
    const outcome = await client.send(encodedRequest(2));
    expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v1', samplesWritten: 2 });
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1']);
  });

  it('forced v2: 415 is unsupported, no fallback, no retry', async () => {
    const { server, client } = await setup([{ status: 415, body: 'nope' }], { protobufMessage: 'v2' });
    expect(await client.send(encodedRequest(2))).toMatchObject({ kind: 'unsupported', status: 415, body: 'nope', attempts: 1 });
    expect(server.received).toHaveLength(1);
    expect(client.protobufMessage).toBe('v2');
  });

  it('RW1 answered 415 too: unsupported after two requests', async () => {
    const { server, client } = await setup([{ status: 415 }, { status: 415, body: 'neither' }]);
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'unsupported', status: 415, body: 'neither', protobufMessage: 'v1' });
    expect(server.received).toHaveLength(2);
  });

  it('400 is not a reason to fall back (rejected)', async () => {
    const { server, client } = await setup([{ status: 400, body: 'bad' }]);
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'rejected', status: 400 });
    expect(server.received).toHaveLength(1);
    expect(client.protobufMessage).toBe('v2');
  });
});

describe('4xx: not retried except 429 (R10)', () => {
  it.each([400, 401, 403, 404, 409, 422])('%i: rejected after one attempt, body as is', async (status) => {
    const { server, client } = await setup([{ status, body: `error ${status}\nline 2` }]);
    const outcome = await client.send(encodedRequest(2));
    expect(outcome).toMatchObject({ kind: 'rejected', status, body: `error ${status}\nline 2`, attempts: 1 });
    expect(server.received).toHaveLength(1);
    expect(client.telemetry().samples).toMatchObject({ sent: 0, failed: 2 });
  });

  it('an error body is cut to 1 KiB', async () => {
    const { client } = await setup([{ status: 400, body: 'x'.repeat(5 * 1024 * 1024) }]);
    const outcome = await client.send(encodedRequest(1));
    expect(outcome.kind).toBe('rejected');
    expect(outcome.kind === 'rejected' && outcome.body).toBe(`${'x'.repeat(1024)}…`);
  });

  it('429 is retried (retryOnRateLimit default)', async () => {
    const { server, client } = await setup([{ status: 429 }, { status: 429 }]);
    expect(await client.send(encodedRequest(2))).toMatchObject({ kind: 'written', attempts: 3 });
    expect(server.received).toHaveLength(3);
    expect(server.received[1].headers['retry-attempt']).toBe('1');
    expect(server.received[2].headers['retry-attempt']).toBe('2');
    expect(server.accepted()).toHaveLength(2);
  });

  it('429 with retryOnRateLimit false: rejected', async () => {
    const { server, client } = await setup([{ status: 429 }], { retry: { ...fast, retryOnRateLimit: false } });
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'rejected', status: 429 });
    expect(server.received).toHaveLength(1);
  });
});

describe('Retry-After (B2)', () => {
  it('seconds: waits that long (within maxBackoff)', async () => {
    const { server, client } = await setup([{ status: 429, headers: { 'Retry-After': '1' } }], { retry: { ...fast, maxBackoffMs: 3_000 } });
    expect((await client.send(encodedRequest(1))).kind).toBe('written');
    expect(gaps(server)[0]).toBeGreaterThanOrEqual(990);
    expect(gaps(server)[0]).toBeLessThan(2_000);
  });

  it('is capped at maxBackoffMs', async () => {
    const { server, client } = await setup([{ status: 503, headers: { 'Retry-After': '3600' } }], { retry: { ...fast, maxBackoffMs: 50 } });
    expect((await client.send(encodedRequest(1))).kind).toBe('written');
    expect(gaps(server)[0]).toBeLessThan(500);
  });

  it('parses seconds and HTTP-dates; ignores garbage and the past', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:05 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('0', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    const options = resolveRetryOptions({ minBackoffMs: 10, maxBackoffMs: 1000 });
    expect(retryWait(0, 500, options, () => 0)).toBe(500);
    expect(retryWait(0, 5, options, () => 0)).toBe(10); // the backoff when it is longer
    expect(retryWait(0, 60_000, options, () => 0)).toBe(1000);
  });
});

describe('5xx and transport errors: MUST retry with backoff (B3)', () => {
  it.each([500, 502, 503, 504])('%i then success: retried, every sample arrives once', async (status) => {
    const { server, client } = await setup([{ status, body: 'down' }, { status, body: 'down' }]);
    const request = encodedRequest(3, 2);
    const outcome = await client.send(request);
    expect(outcome).toMatchObject({ kind: 'written', samplesWritten: 6, attempts: 3 });
    expect(server.accepted().sort()).toEqual(keysOf([request]).sort());
    expect(client.telemetry()).toMatchObject({ retries: 2, samples: { sent: 6, retried: 12, failed: 0 } });
  });

  it('gives up after maxRetries: failed, attempts = maxRetries + 1', async () => {
    const actions: Action[] = Array.from({ length: 10 }, () => ({ status: 500, body: 'still down' }));
    const { server, client } = await setup(actions, { retry: { ...fast, maxRetries: 3 } });
    const outcome = await client.send(encodedRequest(2));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'status', status: 500, body: 'still down', attempts: 4 });
    expect(server.received).toHaveLength(4);
    expect(client.telemetry().samples).toMatchObject({ sent: 0, failed: 2, retried: 6 });
  });

  it('gives up when the next wait would pass maxElapsedMs', async () => {
    const actions: Action[] = Array.from({ length: 50 }, () => ({ status: 503 }));
    const { server, client } = await setup(actions, { retry: { minBackoffMs: 40, maxBackoffMs: 40, maxRetries: Infinity, maxElapsedMs: 300 } });
    const started = Date.now();
    const outcome = await client.send(encodedRequest(1));
    expect(outcome.kind).toBe('failed');
    expect(Date.now() - started).toBeLessThan(600);
    expect(server.received.length).toBeGreaterThanOrEqual(4);
    expect(server.received.length).toBeLessThanOrEqual(9);
  });

  it('a receiver that never answers: timeout, retried', async () => {
    const { server, client } = await setup([{ hang: true }, { hang: true }], { timeoutMs: 150 });
    const request = encodedRequest(2);
    const outcome = await client.send(request);
    expect(outcome).toMatchObject({ kind: 'written', attempts: 3 });
    expect(server.accepted().sort()).toEqual(keysOf([request]).sort());
    expect(client.telemetry().httpRequests).toMatchObject({ timeout: 2, '204': 1 });
  });

  it('timeouts until retries run out: failed with reason timeout', async () => {
    const { client } = await setup([{ hang: true }, { hang: true }], { timeoutMs: 100, retry: { ...fast, maxRetries: 1 } });
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'failed', reason: 'timeout', attempts: 2 });
  });

  it('connection reset: retried', async () => {
    const { server, client } = await setup([{ reset: true }, { reset: true }]);
    const request = encodedRequest(2);
    expect(await client.send(request)).toMatchObject({ kind: 'written', attempts: 3 });
    expect(server.accepted().sort()).toEqual(keysOf([request]).sort());
    expect(client.telemetry().httpRequests.network_error).toBe(2);
  });

  it('connection refused: network failure after retries', async () => {
    const s = await startFaultServer();
    const url = s.url;
    await s.close();
    const client = new RemoteWriteClient({ url, retry: { ...fast, maxRetries: 2 }, logger: silent });
    const outcome = await client.send(encodedRequest(1));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'network', attempts: 3 });
    expect(outcome.kind === 'failed' && outcome.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('an abort signal stops the retries', async () => {
    const actions: Action[] = Array.from({ length: 50 }, () => ({ status: 503 }));
    const { client } = await setup(actions, { retry: { minBackoffMs: 1000, maxBackoffMs: 1000, maxRetries: 10, maxElapsedMs: 60_000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    expect(await client.send(encodedRequest(1), { signal: controller.signal })).toMatchObject({ kind: 'failed', reason: 'aborted' });
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('backoff: exponential with jitter, within [minBackoff, maxBackoff]', () => {
  it('bounds per retry', () => {
    const options = resolveRetryOptions({ minBackoffMs: 30, maxBackoffMs: 5000 });
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, options, () => 0))).toEqual([30, 30, 60, 120]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, options, () => 1))).toEqual([30, 60, 120, 240]);
    expect(backoffDelay(20, options, () => 0)).toBe(2500);
    expect(backoffDelay(20, options, () => 1)).toBe(5000);
    expect(backoffDelay(10_000, options, () => 0.5)).toBe(3750);
  });

  it('measured gaps between attempts stay within the bounds and grow', async () => {
    const actions: Action[] = Array.from({ length: 5 }, () => ({ status: 500 }));
    const { server, client } = await setup(actions, { retry: { minBackoffMs: 40, maxBackoffMs: 320, maxRetries: 10, maxElapsedMs: 10_000 } });
    expect((await client.send(encodedRequest(1))).kind).toBe('written');
    const measured = gaps(server);
    expect(measured).toHaveLength(5);
    const floors = [40, 40, 80, 160, 160];
    const ceilings = [40, 80, 160, 320, 320];
    measured.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(floors[i] - 5);
      expect(gap).toBeLessThan(ceilings[i] + 150);
    });
  });
});

describe('413: split in halves once', () => {
  it('both halves written: written with the sum, every sample once', async () => {
    const { server, client } = await setup([{ status: 413, body: 'too big' }]);
    const request = encodedRequest(5, 2);
    const outcome = await client.send(request);
    expect(outcome).toMatchObject({ kind: 'written', samplesWritten: 10, partial: false, attempts: 3 });
    expect(outcome.parts?.map((p) => p.kind)).toEqual(['written', 'written']);
    expect(server.received.slice(1).map((r) => r.decoded?.timeseries.length)).toEqual([3, 2]);
    expect(server.received.slice(1).every((r) => r.decodeError === undefined)).toBe(true);
    expect(server.accepted().sort()).toEqual(keysOf([request]).sort());
  });

  it('halves answered 413 again: rejected, no further split', async () => {
    const { server, client } = await setup([{ status: 413 }, { status: 413 }, { status: 413 }]);
    const outcome = await client.send(encodedRequest(8));
    expect(outcome).toMatchObject({ kind: 'rejected', status: 413 });
    expect(server.received).toHaveLength(3);
    expect(client.telemetry().samples.failed).toBe(8);
  });

  it('one series: rejected at once', async () => {
    const { server, client } = await setup([{ status: 413 }]);
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'rejected', status: 413 });
    expect(server.received).toHaveLength(1);
  });

  it('after a fallback the halves are RW1', async () => {
    const { server, client } = await setup([{ status: 415 }, { status: 413 }]);
    const request = encodedRequest(4);
    expect(await client.send(request)).toMatchObject({ kind: 'written', samplesWritten: 4 });
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1', 'v1', 'v1']);
    expect(server.accepted().sort()).toEqual(keysOf([request]).sort());
  });
});

describe('telemetry', () => {
  it('counts requests, data, bytes and latency; renders Prometheus text', async () => {
    const { client } = await setup([{ status: 500 }, { status: 204 }, { status: 400 }]);
    const first = encodedRequest(2);
    await client.send(first); // 500, then 204
    await client.send(encodedRequest(3)); // 400
    const t = client.telemetry();
    expect(t.httpRequests).toEqual({ '500': 1, '204': 1, '400': 1 });
    expect(t.requests).toMatchObject({ written: 1, rejected: 1, partial: 0 });
    expect(t.samples).toEqual({ sent: 2, failed: 3, retried: 2, dropped: 0 });
    expect(t.bytesSent).toBeGreaterThan(first.body.length * 2);
    expect(t.requestDuration.count).toBe(3);
    const text = client.telemetryText();
    expect(text).toContain('otlp2prw_http_requests_total{status="500"} 1');
    expect(text).toContain('otlp2prw_samples_total 2');
    expect(text).toContain('otlp2prw_samples_failed_total 3');
    expect(text).toContain('otlp2prw_request_duration_seconds_count 3');
    expect(text).toContain('otlp2prw_protobuf_message_info{message="io.prometheus.write.v2.Request"} 1');
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) otlp2prw_\w+ .+|otlp2prw_\w+(\{[^}]*\})? [-+0-9.eInfNa]+)$/);
  });
});

describe('fetch and dispatcher injection', () => {
  it('uses the given fetch and passes the dispatcher through', async () => {
    const calls: Array<{ url: string; init: RequestInit & { dispatcher?: unknown } }> = [];
    const dispatcher = { marker: true };
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status: 204, headers: { 'X-Prometheus-Remote-Write-Samples-Written': '1' } });
    }) as unknown as typeof fetch;
    const client = new RemoteWriteClient({ url: 'http://receiver.example/api/v1/write', fetch: fakeFetch, dispatcher });
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'written', samplesWritten: 1, partial: false });
    expect(calls[0].init.dispatcher).toBe(dispatcher);
    expect(calls[0].url).toBe('http://receiver.example/api/v1/write');
  });
});
