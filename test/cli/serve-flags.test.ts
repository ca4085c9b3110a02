import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/cli/serve.js';

describe('otlp2prw serve: TLS and proxy flags reach the sender', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otlp2prw-serve-flags-'));
  const file = (name: string, text: string) => {
    const at = path.join(dir, name);
    writeFileSync(at, text);
    return at;
  };

  it('reads the PEM files and passes tls + proxyUrl through', () => {
    const config = resolveServeConfig(
      [
        '--remote-write-url', 'https://mimir.internal/api/v1/push',
        '--tls-ca-file', file('ca.pem', 'CA PEM'),
        '--tls-cert-file', file('client.pem', 'CERT PEM'),
        '--tls-key-file', file('client-key.pem', 'KEY PEM'),
        '--tls-server-name', 'mimir',
        '--proxy-url', 'http://proxy.internal:3128',
      ],
      {},
    );
    expect(config.forwarder).toMatchObject({
      tls: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM', serverName: 'mimir' },
      proxyUrl: 'http://proxy.internal:3128',
    });
  });

  it('the same from the environment', () => {
    const config = resolveServeConfig(['--remote-write-url', 'https://x/api/v1/write'], { OTLP2PRW_TLS_INSECURE_SKIP_VERIFY: 'true' });
    expect(config.forwarder).toMatchObject({ tls: { insecureSkipVerify: true } });
  });

  it('no TLS flags, no tls option', () => {
    expect(resolveServeConfig(['--remote-write-url', 'https://x/api/v1/write'], {}).forwarder).not.toHaveProperty('tls');
  });

  it('a cert without a key is a command-line error', () => {
    expect(() => resolveServeConfig(['--remote-write-url', 'https://x/api/v1/write', '--tls-cert-file', file('c.pem', 'C')], {})).toThrowError(/tls.cert and tls.key go together/);
  });
});
