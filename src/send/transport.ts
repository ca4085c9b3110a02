// How a RemoteWriteClient reaches its receiver: the platform's fetch, or, for the `tls` and `proxyUrl`
// options, undici's fetch with an Agent or ProxyAgent (src/send/node-dispatcher.ts, Node only).
// Platform-neutral: this file is in the browser bundle, node-dispatcher.ts never is.
import { RemoteWriteConfigError } from './errors.js';

/** TLS toward the receiver (Prometheus `tls_config`). PEM as text or bytes (what readFileSync returns is fine). */
export interface TlsOptions {
  /** CA certificate(s) that sign the receiver's certificate, instead of Node's bundled roots. */
  ca?: string | Uint8Array;
  /** Client certificate, for receivers that require mutual TLS. Needs `key`. */
  cert?: string | Uint8Array;
  /** The client certificate's private key. Needs `cert`. */
  key?: string | Uint8Array;
  /** Accept any server certificate: no chain or host name check. For tests; default false. */
  insecureSkipVerify?: boolean;
  /** The name sent as SNI and checked against the server certificate, instead of the URL's host. */
  serverName?: string;
}

/** A fetch bound to its connection pool, and how to close that pool. */
export interface FetchTransport {
  fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

export interface TransportOptions {
  tls?: TlsOptions;
  proxyUrl?: string;
  fetch?: unknown;
  dispatcher?: unknown;
}

/** Throws RemoteWriteConfigError for `tls` / `proxyUrl` settings that cannot work here. Returns whether a Node transport is needed. */
export function checkTransportOptions(options: TransportOptions): boolean {
  const { tls, proxyUrl } = options;
  if (tls === undefined && proxyUrl === undefined) return false;
  const option = tls !== undefined ? 'tls' : 'proxyUrl';
  if (inBrowser()) {
    throw new RemoteWriteConfigError(
      option,
      'is not supported in browsers: the browser verifies certificates against its own trust store, picks client certificates and applies its proxy settings itself',
    );
  }
  // Both would replace what these options configure: the dispatcher, and undici's fetch that must go with it.
  if (options.dispatcher !== undefined) throw new RemoteWriteConfigError(option, 'cannot be combined with dispatcher (configure TLS and proxy on your dispatcher instead)');
  if (options.fetch !== undefined) throw new RemoteWriteConfigError(option, 'cannot be combined with fetch (it needs undici\'s fetch)');
  if (tls !== undefined) {
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
      throw new RemoteWriteConfigError(tls.cert === undefined ? 'tls.cert' : 'tls.key', 'tls.cert and tls.key go together (mutual TLS)');
    }
    for (const name of ['ca', 'cert', 'key'] as const) {
      const value = tls[name];
      if (value !== undefined && typeof value !== 'string' && !(value instanceof Uint8Array)) {
        throw new RemoteWriteConfigError(`tls.${name}`, 'must be PEM text (a string) or its bytes (a Uint8Array, such as what readFileSync returns)');
      }
    }
    if (tls.serverName !== undefined && (typeof tls.serverName !== 'string' || tls.serverName === '')) {
      throw new RemoteWriteConfigError('tls.serverName', 'must be a non-empty string');
    }
  }
  if (proxyUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(proxyUrl);
    } catch {
      throw new RemoteWriteConfigError('proxyUrl', `is not a valid URL: ${String(proxyUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteWriteConfigError('proxyUrl', `must be an http: (or https:) proxy, got ${url.protocol}`);
    }
  }
  return true;
}

// A specifier in a variable, not a literal, on purpose: bundlers (esbuild for dist/browser, and webpack,
// Vite or Rollup for users bundling dist/browser.js) do not follow it, so undici and Node built-ins stay
// out of browser bundles. Node resolves it relative to this file like any import. checkTransportOptions
// throws in browsers before this could run.
const NODE_TRANSPORT = './node-dispatcher.js';

/** Loads src/send/node-dispatcher.ts and builds the transport. Rejects with RemoteWriteConfigError. */
export async function loadNodeTransport(tls: TlsOptions = {}, proxyUrl?: string): Promise<FetchTransport> {
  let module: typeof import('./node-dispatcher.js');
  try {
    module = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_TRANSPORT);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RemoteWriteConfigError(proxyUrl === undefined ? 'tls' : 'proxyUrl', `needs Node.js and the undici package (npm install undici): ${message}`);
  }
  return module.createNodeTransport(tls, proxyUrl);
}

/** A browser window or worker, where TLS and proxies are the browser's business. */
function inBrowser(): boolean {
  const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
  return scope.document !== undefined || scope.WorkerGlobalScope !== undefined;
}
