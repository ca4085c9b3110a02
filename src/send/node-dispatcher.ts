/**
 * Node only: the undici Agent / ProxyAgent behind RemoteWriteClient's `tls` and `proxyUrl` options,
 * paired with undici's own fetch. Never imported statically: transport.ts loads this file the first
 * time a client with those options sends, so browser bundles (and Node users without these options)
 * never load undici or a Node built-in.
 *
 * undici's fetch, not Node's global one: Node's fetch is a copy of undici built into Node, and it
 * accepts only a dispatcher from a compatible undici version; fetch and Agent from one package match.
 */
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { Agent, type Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
import { RemoteWriteConfigError } from './errors.js';
import type { FetchTransport, TlsOptions } from './transport.js';

/**
 * An Agent with the TLS options, or a ProxyAgent tunnelling through `proxyUrl` (HTTP CONNECT) with the
 * TLS options applied to the receiver's connection inside the tunnel. Throws RemoteWriteConfigError for
 * PEM that Node cannot load, so that a bad certificate is a configuration error at the first send, not a
 * network error retried for two minutes.
 */
export function createNodeTransport(tls: TlsOptions, proxyUrl: string | undefined): FetchTransport {
  const connect = connectOptions(tls);
  const agent: Dispatcher = proxyUrl === undefined ? new Agent({ connect }) : new ProxyAgent({ uri: proxyUrl, requestTls: connect });
  const { serverName } = tls;
  // undici takes SNI (and so the name the certificate is checked against) from the URL's host name,
  // and uses `connect.servername` only for IP addresses: set it on every request instead.
  // (`servername` is a dispatch option undici reads, though its types do not list it.)
  const dispatcher =
    serverName === undefined
      ? agent
      : agent.compose((dispatch) => (options, handler) => dispatch({ ...options, servername: serverName } as Dispatcher.DispatchOptions, handler));
  // The global fetch's call shape; only undici's own Request/Response classes make the types differ.
  const fetch = ((input: string, init: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher })) as unknown as typeof globalThis.fetch;
  return { fetch, close: () => dispatcher.close() };
}

function connectOptions(tls: TlsOptions) {
  const { insecureSkipVerify = false, serverName } = tls;
  const [ca, cert, key] = [pem(tls.ca), pem(tls.cert), pem(tls.key)];
  // Parse the PEM now; undici would only do it when it connects.
  // Node skips CA text it cannot parse (and then trusts nothing): parse every certificate here.
  load('tls.ca', () => ca !== undefined && certificates(ca).forEach((pem) => new X509Certificate(pem)));
  load('tls.cert', () => cert !== undefined && createSecureContext({ cert, key }));
  return {
    ca,
    cert,
    key,
    // Prometheus tls_config.insecure_skip_verify: neither the chain nor the host name is checked.
    rejectUnauthorized: !insecureSkipVerify,
    ...(serverName === undefined ? {} : { servername: serverName }),
  };
}

/** The PEM certificate blocks of a CA bundle; throws if there is none. */
function certificates(ca: string | Buffer): string[] {
  const blocks = String(ca).match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
  if (!blocks) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) in it');
  return blocks;
}

/** Node's TLS types want a Buffer; a Uint8Array is viewed as one, not copied. */
function pem(value: string | Uint8Array | undefined): string | Buffer | undefined {
  return value === undefined || typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

function load(option: string, parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    throw new RemoteWriteConfigError(option, `cannot be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
}
