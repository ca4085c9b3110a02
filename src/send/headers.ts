import { RemoteWriteConfigError } from './errors.js';
import type { ProtobufMessage } from './outcome.js';

// RW2 spec: "Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request" with no space
// after ';' -- Prometheus does not trim parameters, reads a spaced value as RW1, decodes an empty
// message and answers 204: silent loss.
export const CONTENT_TYPE_V2 = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';
// RW2 spec: toward 1.x receivers SHOULD use the bare value.
export const CONTENT_TYPE_V1 = 'application/x-protobuf';
export const VERSION_V2 = '2.0.0';
// RW2 spec: toward 1.x receivers the version MUST be 0.1.0.
export const VERSION_V1 = '0.1.0';

/**
 * Headers a user may not set through `headers` (compared case-insensitively): the four the spec
 * reserves (P4/P5) plus the rest of Prometheus's `remote_write.headers` deny-list (config/config.go).
 * `Authorization` comes only from the auth options, as in Prometheus.
 */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-encoding',
  'x-prometheus-remote-write-version',
  'user-agent',
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-read-version',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'authorization',
  'retry-attempt',
]);

export interface AuthOptions {
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** Any other scheme: `Authorization: <type> <credentials>` (Prometheus's `authorization` block). */
  authorization?: { type: string; credentials: string };
  /** Sent as `X-Scope-OrgID` (Mimir, Cortex, Loki tenants). */
  tenant?: string;
}

/**
 * The headers every request carries apart from the per-message ones: the user's own, checked against
 * the reserved list, plus Authorization and X-Scope-OrgID from the options. Throws
 * RemoteWriteConfigError for a reserved or duplicated name.
 */
export function staticHeaders(user: Record<string, string> | undefined, auth: AuthOptions, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(user ?? {})) {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) {
      const hint = lower === 'authorization' ? ' (use basicAuth, bearerToken or authorization)' : lower === 'user-agent' ? ' (use userAgent)' : '';
      throw new RemoteWriteConfigError(`headers.${name}`, `is reserved by the Remote-Write spec or transport and cannot be set${hint}`);
    }
    if (seen.has(lower)) throw new RemoteWriteConfigError(`headers.${name}`, 'is given twice (header names are case-insensitive)');
    if (lower === 'x-scope-orgid' && auth.tenant !== undefined) {
      throw new RemoteWriteConfigError(`headers.${name}`, 'conflicts with the tenant option');
    }
    if (typeof value !== 'string') throw new RemoteWriteConfigError(`headers.${name}`, 'must be a string');
    seen.add(lower);
    headers[name] = value;
  }
  const schemes = [auth.basicAuth && 'basicAuth', auth.bearerToken !== undefined && 'bearerToken', auth.authorization && 'authorization'].filter(Boolean);
  if (schemes.length > 1) throw new RemoteWriteConfigError(schemes.join('/'), 'at most one authentication option may be set');
  if (auth.basicAuth) {
    const { username, password } = auth.basicAuth;
    headers.Authorization = `Basic ${base64Utf8(`${username}:${password}`)}`;
  } else if (auth.bearerToken !== undefined) {
    headers.Authorization = `Bearer ${auth.bearerToken}`;
  } else if (auth.authorization) {
    headers.Authorization = `${auth.authorization.type} ${auth.authorization.credentials}`;
  }
  if (auth.tenant !== undefined) headers['X-Scope-OrgID'] = auth.tenant;
  headers['User-Agent'] = userAgent;
  return headers;
}

/** The spec's per-message headers (RW2 spec P4, P6, P7, P9). */
export function messageHeaders(message: ProtobufMessage): Record<string, string> {
  return {
    'Content-Encoding': 'snappy',
    'Content-Type': message === 'v2' ? CONTENT_TYPE_V2 : CONTENT_TYPE_V1,
    'X-Prometheus-Remote-Write-Version': message === 'v2' ? VERSION_V2 : VERSION_V1,
  };
}

/** Base64 of the UTF-8 bytes (RFC 7617 charset=UTF-8); `btoa` alone would reject non-Latin-1 text. Works in browsers too. */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
