// RemoteWriteClient reading a cross-origin response, as in a browser: `response.type === 'cors'`, where
// only the headers the receiver lists in Access-Control-Expose-Headers are readable. Simulated here with
// a scripted fetch; test/browser/browser.test.ts does the same against a real Chromium.
import { describe, expect, it } from 'vitest';
import { RemoteWriteClient, type RemoteWriteClientOptions } from '../../src/send/client.js';
import type { RemoteWriteRequest } from '../../src/send/outcome.js';
import { encodedRequest } from './fault-server.js';

const WRITTEN = {
  samples: 'X-Prometheus-Remote-Write-Samples-Written',
  histograms: 'X-Prometheus-Remote-Write-Histograms-Written',
  exemplars: 'X-Prometheus-Remote-Write-Exemplars-Written',
};

interface Call {
  contentType: string;
  thisValue: unknown;
}

/**
 * A fetch answering 204 as a 2.0 receiver would (all three headers, everything written), of which only
 * `exposed` are readable, and `type` 'cors' (cross-origin) or 'basic' (same origin: all readable).
 */
function receiver(type: 'cors' | 'basic', exposed: (keyof typeof WRITTEN)[]) {
  const calls: Call[] = [];
  const fetch = async function (this: unknown, _url: string | URL | Request, init?: RequestInit): Promise<Response> {
    const headers = new Headers(init?.headers);
    calls.push({ contentType: headers.get('Content-Type') ?? '', thisValue: this });
    const readable = new Headers();
    for (const kind of type === 'basic' ? (Object.keys(WRITTEN) as (keyof typeof WRITTEN)[]) : exposed) readable.set(WRITTEN[kind], '1000');
    const response = new Response(null, { status: 204, headers: readable });
    Object.defineProperty(response, 'type', { value: type });
    return response;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

function setup(type: 'cors' | 'basic', exposed: (keyof typeof WRITTEN)[], options: Partial<RemoteWriteClientOptions> = {}) {
  const { calls, fetch } = receiver(type, exposed);
  const warnings: string[] = [];
  const client = new RemoteWriteClient({ url: 'http://receiver.test/api/v1/write', fetch, logger: { warn: (m) => warnings.push(m) }, ...options });
  return { calls, client, warnings };
}

/** 3 samples, and (as far as the client's accounting goes) 2 exemplars. */
const withExemplars = (): RemoteWriteRequest => ({ ...encodedRequest(3), exemplars: 2 });

describe('cross-origin responses (browsers, CORS)', () => {
  it('with the *-Written headers exposed, reads them as any response (a partial write is still seen)', async () => {
    const { client, calls, warnings } = setup('cors', ['samples', 'histograms', 'exemplars']);
    const outcome = await client.send({ ...encodedRequest(3), samples: 1001 });
    expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v2', samplesWritten: 1000, partial: true });
    expect(calls).toHaveLength(1);
    expect(warnings.join()).not.toMatch(/Expose-Headers/);
  });

  it('a header not exposed is unknown, not 0: no partial write is reported for it', async () => {
    const { client } = setup('cors', ['samples', 'histograms']);
    expect(await client.send(withExemplars())).toMatchObject({ kind: 'written', samplesWritten: 1000, exemplarsWritten: 2, partial: false });
    // Same origin, an absent header is 0 (RW2 spec R4).
    const sameOrigin = new RemoteWriteClient({
      url: 'http://receiver.test/api/v1/write',
      logger: { warn: () => undefined },
      fetch: async () => new Response(null, { status: 204, headers: { [WRITTEN.samples]: '3' } }),
    });
    expect(await sameOrigin.send(withExemplars())).toMatchObject({ kind: 'written', samplesWritten: 3, exemplarsWritten: 0, partial: true });
  });

  it('none exposed, by default: R5 as for a 1.x receiver, resent as RW1, and one warning naming Access-Control-Expose-Headers', async () => {
    const { client, calls, warnings } = setup('cors', []);
    const outcome = await client.send(encodedRequest(3));
    expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v1', samplesWritten: 3, partial: false, attempts: 2 });
    expect(calls.map((c) => c.contentType)).toEqual(['application/x-protobuf;proto=io.prometheus.write.v2.Request', 'application/x-protobuf']);
    expect(client.protobufMessage).toBe('v1');
    expect(warnings.filter((w) => w.includes('Access-Control-Expose-Headers'))).toHaveLength(1);
  });

  it('none exposed, forced to v2: unsupported (nothing to fall back to)', async () => {
    const { client } = setup('cors', [], { protobufMessage: 'v2' });
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'unsupported', status: 204 });
  });

  it('none exposed, assumeWrittenWhenHeadersHidden: written as sent, RW2 kept, warned once', async () => {
    const { client, calls, warnings } = setup('cors', [], { assumeWrittenWhenHeadersHidden: true });
    for (let i = 0; i < 2; i++) {
      const outcome = await client.send(withExemplars());
      expect(outcome).toMatchObject({ kind: 'written', protobufMessage: 'v2', samplesWritten: 3, exemplarsWritten: 2, partial: false, attempts: 1 });
    }
    expect(calls).toHaveLength(2);
    expect(client.protobufMessage).toBe('v2');
    expect(client.telemetry().fallbacksToV1).toBe(0);
    const hidden = warnings.filter((w) => w.includes('Access-Control-Expose-Headers'));
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).toMatch(/assumeWrittenWhenHeadersHidden/);
  });

  it('the option changes nothing for same-origin responses: a 2xx without the headers is still R5', async () => {
    const client = new RemoteWriteClient({
      url: 'http://receiver.test/api/v1/write',
      protobufMessage: 'v2',
      assumeWrittenWhenHeadersHidden: true,
      logger: { warn: () => undefined },
      fetch: async () => new Response(null, { status: 204 }),
    });
    expect(await client.send(encodedRequest(1))).toMatchObject({ kind: 'unsupported' });
  });

  it('calls fetch as a plain function (window.fetch called as a method of another object throws "Illegal invocation")', async () => {
    const { client, calls } = setup('basic', []);
    await client.send(encodedRequest(1));
    expect(calls[0].thisValue).toBeUndefined();
  });
});
