// RemoteWriteClient's `tls` and `proxyUrl` options (Node: undici Agent / ProxyAgent) against real TLS
// servers on 127.0.0.1: a CA, server and client certificates made at test time with the openssl CLI,
// and a loopback HTTP proxy (CONNECT tunnels and absolute-form forwarding) that counts what it carries.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWriteRequest } from '../../src/rw/read.js';
import { RemoteWriteClient, type RemoteWriteClientOptions } from '../../src/send/client.js';
import { RemoteWriteConfigError } from '../../src/send/errors.js';
import { RemoteWriteSender } from '../../src/send/sender.js';
import { type Pki, makePki, opensslAvailable } from '../support/pki.js';
import { encodedRequest, otlpGauges, silent } from './fault-server.js';

const hasOpenssl = opensslAvailable('test/send/tls.test.ts');

interface Hit {
  samples: number;
  /** The TLS SNI the client sent, and the client certificate's CN (mutual TLS). */
  servername?: string | false;
  clientCn?: string;
}

interface Receiver {
  url: string;
  port: number;
  hits: Hit[];
  close(): Promise<void>;
}

/** An RW2 receiver: decodes the body and answers 204 with the `*-Written` headers. TLS unless `tls` is undefined. */
async function startReceiver(tls: https.ServerOptions | undefined): Promise<Receiver> {
  const hits: Hit[] = [];
  const handler: http.RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const decoded = readWriteRequest(new Uint8Array(Buffer.concat(chunks)));
      const samples = decoded.timeseries.reduce((n, series) => n + series.samples.length, 0);
      const socket = request.socket as TLSSocket;
      const hit: Hit = { samples };
      if (tls) {
        hit.servername = socket.servername ?? undefined;
        hit.clientCn = String(socket.getPeerCertificate()?.subject?.CN ?? '') || undefined;
      }
      hits.push(hit);
      response.writeHead(204, {
        'X-Prometheus-Remote-Write-Samples-Written': String(samples),
        'X-Prometheus-Remote-Write-Histograms-Written': '0',
        'X-Prometheus-Remote-Write-Exemplars-Written': '0',
      });
      response.end();
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/api/v1/write`,
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Proxy {
  url: string;
  /** `host:port` of every CONNECT, and the URL of every request that asked to be forwarded instead. */
  tunnels: string[];
  forwarded: string[];
  /** Proxy-Authorization of each CONNECT. */
  authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** A loopback HTTP CONNECT proxy. Every host name resolves to 127.0.0.1 (so `rw.test` reaches the named receiver). */
async function startProxy(): Promise<Proxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((request, response) => {
    // Absolute-form (GET http://host/path): counted, not served; undici tunnels http: targets too.
    forwarded.push(request.url ?? '');
    response.writeHead(502).end('this test proxy only tunnels');
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    authorizations.push(request.headers['proxy-authorization']);
    const port = Number((request.url ?? '').split(':').pop());
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        (socket === client ? upstream : client).destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    forwarded,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const clients: RemoteWriteClient[] = [];

/** One attempt only: a TLS failure is a network error, which would otherwise be retried. */
function client(options: RemoteWriteClientOptions): RemoteWriteClient {
  const made = new RemoteWriteClient({ retry: { maxRetries: 0 }, timeoutMs: 5_000, logger: silent, ...options });
  clients.push(made);
  return made;
}

describe.skipIf(!hasOpenssl)('tls and proxyUrl (Node, undici)', () => {
  let dir: string;
  let pki: Pki;
  let plain: Receiver;
  let tls: Receiver;
  let named: Receiver;
  let mutual: Receiver;
  let proxy: Proxy;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otlp2prw-tls-'));
    pki = makePki(dir);
    plain = await startReceiver(undefined);
    tls = await startReceiver(pki.server);
    named = await startReceiver(pki.named);
    mutual = await startReceiver({ ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
    proxy = await startProxy();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([plain, tls, named, mutual, proxy].map((s) => s?.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('server verification', () => {
    it('rejects a server certificate from an unknown CA without tls.ca (a network failure, not retried here)', async () => {
      const before = tls.hits.length;
      const outcome = await client({ url: tls.url }).send(encodedRequest(2));
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'network' });
      expect(outcome.kind === 'failed' && outcome.error).toMatch(/certificate/i);
      expect(tls.hits.length).toBe(before);
    });

    it('accepts it with tls.ca (PEM text or a Buffer)', async () => {
      for (const ca of [pki.ca, Buffer.from(pki.ca)]) {
        const outcome = await client({ url: tls.url, tls: { ca } }).send(encodedRequest(2));
        expect(outcome).toMatchObject({ kind: 'written', samplesWritten: 2, partial: false });
      }
    });

    it('accepts it with tls.insecureSkipVerify, even for a name it does not carry', async () => {
      expect(await client({ url: tls.url, tls: { insecureSkipVerify: true } }).send(encodedRequest(1))).toMatchObject({ kind: 'written' });
      expect(await client({ url: named.url, tls: { insecureSkipVerify: true } }).send(encodedRequest(1))).toMatchObject({ kind: 'written' });
    });

    it('checks the host name: a certificate for rw.test fails at 127.0.0.1 even with the right CA', async () => {
      const outcome = await client({ url: named.url, tls: { ca: pki.ca } }).send(encodedRequest(1));
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'network' });
      expect(outcome.kind === 'failed' && outcome.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/);
    });

    it('tls.serverName is sent as SNI and checked instead of the URL host (IP address and host name URLs)', async () => {
      const before = named.hits.length;
      const byIp = await client({ url: named.url, tls: { ca: pki.ca, serverName: 'rw.test' } }).send(encodedRequest(1));
      expect(byIp).toMatchObject({ kind: 'written' });
      // undici takes SNI from a host name URL itself; the option must win there too.
      const byName = await client({ url: `https://localhost:${named.port}/api/v1/write`, tls: { ca: pki.ca, serverName: 'rw.test' } }).send(encodedRequest(1));
      expect(byName).toMatchObject({ kind: 'written' });
      expect(named.hits.slice(before).map((hit) => hit.servername)).toEqual(['rw.test', 'rw.test']);
    });
  });

  describe('mutual TLS (server: requestCert, rejectUnauthorized)', () => {
    it('is accepted with tls.cert and tls.key; the server sees the client certificate', async () => {
      const outcome = await client({ url: mutual.url, tls: { ca: pki.ca, cert: pki.client.cert, key: Buffer.from(pki.client.key) } }).send(encodedRequest(3));
      expect(outcome).toMatchObject({ kind: 'written', samplesWritten: 3 });
      expect(mutual.hits.at(-1)?.clientCn).toBe('otlp2prw-client');
    });

    it('fails without a client certificate, or with one from another CA', async () => {
      const before = mutual.hits.length;
      const without = await client({ url: mutual.url, tls: { ca: pki.ca } }).send(encodedRequest(1));
      expect(without).toMatchObject({ kind: 'failed', reason: 'network' });
      const stranger = await client({ url: mutual.url, tls: { ca: pki.ca, ...pki.stranger } }).send(encodedRequest(1));
      expect(stranger).toMatchObject({ kind: 'failed', reason: 'network' });
      expect(mutual.hits.length).toBe(before);
    });
  });

  describe('proxyUrl (HTTP CONNECT)', () => {
    it('tunnels to an http: receiver, with credentials from the proxy URL', async () => {
      const tunnels = proxy.tunnels.length;
      const c = client({ url: plain.url, proxyUrl: proxy.url.replace('//', '//scraper:s%40cret@') });
      expect(await c.send(encodedRequest(2))).toMatchObject({ kind: 'written', samplesWritten: 2 });
      expect(await c.send(encodedRequest(1))).toMatchObject({ kind: 'written', samplesWritten: 1 });
      expect(new Set(proxy.tunnels.slice(tunnels))).toEqual(new Set([`127.0.0.1:${plain.port}`]));
      expect(proxy.authorizations.at(-1)).toBe(`Basic ${Buffer.from('scraper:s@cret').toString('base64')}`);
      expect(plain.hits.map((hit) => hit.samples).slice(-2)).toEqual([2, 1]);
      expect(proxy.forwarded).toEqual([]);
    });

    it('tunnels TLS to an https: receiver by host name, verified with tls.ca against the URL host name', async () => {
      // The proxy resolves rw.test to 127.0.0.1; the certificate carries DNS:rw.test.
      const tunnels = proxy.tunnels.length;
      const outcome = await client({ url: `https://rw.test:${named.port}/api/v1/write`, proxyUrl: proxy.url, tls: { ca: pki.ca } }).send(encodedRequest(2));
      expect(outcome).toMatchObject({ kind: 'written', samplesWritten: 2 });
      expect(proxy.tunnels.slice(tunnels)).toEqual([`rw.test:${named.port}`]);
      expect(named.hits.at(-1)?.servername).toBe('rw.test');
    });

    it('applies mutual TLS inside the tunnel', async () => {
      const outcome = await client({ url: mutual.url, proxyUrl: proxy.url, tls: { ca: pki.ca, ...pki.client } }).send(encodedRequest(1));
      expect(outcome).toMatchObject({ kind: 'written' });
      expect(mutual.hits.at(-1)?.clientCn).toBe('otlp2prw-client');
    });

    it('a proxy that is down is a network failure', async () => {
      const closed = await startProxy();
      const url = closed.url;
      await closed.close();
      const outcome = await client({ url: plain.url, proxyUrl: url }).send(encodedRequest(1));
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'network' });
    });
  });

  it('RemoteWriteSender passes tls and proxyUrl to its client, and close() closes the connections', async () => {
    const tunnels = proxy.tunnels.length;
    const outcomes: string[] = [];
    const sender = new RemoteWriteSender({
      url: mutual.url,
      proxyUrl: proxy.url,
      tls: { ca: pki.ca, ...pki.client },
      logger: silent,
      onOutcome: (outcome) => outcomes.push(outcome.kind),
    });
    await sender.write(otlpGauges(4));
    await sender.close();
    expect(outcomes).toEqual(['written']);
    expect(mutual.hits.at(-1)).toMatchObject({ samples: 4, clientCn: 'otlp2prw-client' });
    expect(proxy.tunnels.length).toBe(tunnels + 1);
  });

  describe('configuration errors (RemoteWriteConfigError)', () => {
    const expectConfigError = (run: () => unknown, option: string) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(RemoteWriteConfigError);
        expect((error as RemoteWriteConfigError).option).toBe(option);
        return;
      }
      throw new Error('expected a RemoteWriteConfigError');
    };

    it('at construction: cert without key, bad proxyUrl, conflicts with dispatcher and fetch', () => {
      expectConfigError(() => new RemoteWriteClient({ url: tls.url, tls: { cert: pki.client.cert } }), 'tls.key');
      expectConfigError(() => new RemoteWriteClient({ url: tls.url, tls: { key: pki.client.key } }), 'tls.cert');
      expectConfigError(() => new RemoteWriteClient({ url: plain.url, proxyUrl: 'not a url' }), 'proxyUrl');
      expectConfigError(() => new RemoteWriteClient({ url: plain.url, proxyUrl: 'socks5://127.0.0.1:1080' }), 'proxyUrl');
      expectConfigError(() => new RemoteWriteClient({ url: tls.url, tls: { ca: pki.ca }, dispatcher: {} }), 'tls');
      expectConfigError(() => new RemoteWriteClient({ url: plain.url, proxyUrl: proxy.url, fetch: globalThis.fetch }), 'proxyUrl');
      expectConfigError(() => new RemoteWriteClient({ url: tls.url, tls: { serverName: '' } }), 'tls.serverName');
    });

    it('at the first send: PEM that does not load rejects (it is not a network error to retry)', async () => {
      const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
      for (const ca of ['not a certificate', broken, `${pki.ca}${broken}`]) {
        await expect(client({ url: tls.url, tls: { ca } }).send(encodedRequest(1))).rejects.toMatchObject({ option: 'tls.ca' });
      }
      await expect(client({ url: tls.url, tls: { cert: pki.client.cert, key: pki.stranger.key } }).send(encodedRequest(1))).rejects.toMatchObject({
        option: 'tls.cert',
      });
    });
  });
});
