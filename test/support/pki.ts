// A throwaway PKI for TLS tests, made with the openssl CLI: a CA, server and client certificates.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function opensslPresent(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the openssl CLI is there for `suite`; CI (CI=true) requires it, elsewhere its absence is
 * announced loudly and the suite skips.
 */
export function opensslAvailable(suite: string): boolean {
  if (opensslPresent()) return true;
  if (process.env.CI === 'true') throw new Error(`the openssl CLI is required in CI (CI=true) for ${suite}`);
  console.warn(`\n*** SKIPPING TLS tests of ${suite}: no openssl CLI on PATH (apt-get install -y openssl) ***\n`);
  return false;
}

export interface Pki {
  ca: string;
  /** SAN IP:127.0.0.1, DNS:localhost. */
  server: { cert: string; key: string };
  /** SAN DNS:rw.test only: matches neither 127.0.0.1 nor localhost. */
  named: { cert: string; key: string };
  client: { cert: string; key: string };
  /** A client certificate from a CA the server does not know. */
  stranger: { cert: string; key: string };
}

/** A throwaway PKI (P-256 keys, one day) in `dir`. */
export function makePki(dir: string): Pki {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSignedCa = (name: string) =>
    openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=otlp2prw test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const issue = (name: string, ca: string, subject: string, extensions: string) => {
    writeFileSync(join(dir, `${name}.ext`), extensions);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-set_serial', String(Date.now()), '-days', '1',
      '-out', `${name}.crt`, '-extfile', `${name}.ext`);
    return { cert: read(`${name}.crt`), key: read(`${name}.key`) };
  };
  selfSignedCa('ca');
  selfSignedCa('other-ca');
  return {
    ca: read('ca.crt'),
    server: issue('server', 'ca', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'),
    named: issue('named', 'ca', '/CN=rw.test', 'subjectAltName=DNS:rw.test\nextendedKeyUsage=serverAuth\n'),
    client: issue('client', 'ca', '/CN=otlp2prw-client', 'extendedKeyUsage=clientAuth\n'),
    stranger: issue('stranger', 'other-ca', '/CN=stranger', 'extendedKeyUsage=clientAuth\n'),
  };
}

