import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeThumbprint, sameThumbprint, thumbprintsOfPem } from '../../../electron/vsphere/thumbprint';
import { checkTrust } from '../../../electron/vsphere/pinned-tls';
import { CertificateChangedError, UntrustedCertificateError, connectionErrorFor, ServerNameResolutionError } from '../../../electron/vsphere/certificate-errors';
import { makeCertificate } from './fake-vim-server';

function opensslFingerprint(pem: string, algo: 'sha1' | 'sha256'): string {
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-fp-'));
  try {
    writeFileSync(join(dir, 'c.pem'), pem);
    const out = execFileSync('openssl', ['x509', '-in', join(dir, 'c.pem'), '-noout', '-fingerprint', `-${algo}`], { encoding: 'utf8' });
    return out.trim().split('=')[1]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('certificate thumbprints', () => {
  const { cert } = makeCertificate();

  it('match openssl in VDDK form (uppercase hex pairs with colons)', () => {
    const tp = thumbprintsOfPem(cert);
    expect(tp.sha1).toBe(opensslFingerprint(cert, 'sha1'));
    expect(tp.sha256).toBe(opensslFingerprint(cert, 'sha256'));
    expect(tp.sha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(tp.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('normalises thumbprints as users paste them and rejects wrong lengths', () => {
    const tp = thumbprintsOfPem(cert);
    expect(normalizeThumbprint(tp.sha256.toLowerCase(), 32)).toBe(tp.sha256);
    expect(normalizeThumbprint(tp.sha256.replace(/:/g, ''), 32)).toBe(tp.sha256);
    expect(normalizeThumbprint(`SHA256:${tp.sha256.replace(/:/g, ' ')}`, 32)).toBe(tp.sha256);
    expect(normalizeThumbprint(tp.sha1, 32)).toBeUndefined();
    expect(normalizeThumbprint('zz'.repeat(32), 32)).toBeUndefined();
    expect(sameThumbprint(tp.sha256.toLowerCase(), tp.sha256)).toBe(true);
    expect(sameThumbprint(tp.sha1, tp.sha256)).toBe(false);
  });

  it('unknown certificate → UntrustedCertificateError, changed → CertificateChangedError (CONN-THUMBPRINT)', () => {
    const tp = thumbprintsOfPem(cert);
    expect(() => checkTrust('vc01', tp, tp.sha256.toLowerCase())).not.toThrow();
    const untrusted = (() => {
      try {
        checkTrust('vc01', tp, undefined);
      } catch (e) {
        return e;
      }
    })() as UntrustedCertificateError;
    expect(untrusted).toBeInstanceOf(UntrustedCertificateError);
    expect(untrusted.rule).toBe('CONN-THUMBPRINT');
    expect(untrusted.thumbprints).toEqual(tp);
    expect(() => checkTrust('vc01', tp, '00:'.repeat(31) + '00')).toThrow(CertificateChangedError);
    expect(() => checkTrust('vc01', tp, '00:'.repeat(31) + '00')).toThrow(/possible interception/);
  });

  it('maps name resolution failures to CONN-DNS', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const err = connectionErrorFor('vc01.corp', Object.assign(new Error(`getaddrinfo ${code} vc01.corp`), { code }));
      expect(err).toBeInstanceOf(ServerNameResolutionError);
      expect((err as ServerNameResolutionError).rule).toBe('CONN-DNS');
      expect(err.message).toMatch(/No host found: the name vc01\.corp does not resolve/);
    }
  });
});
