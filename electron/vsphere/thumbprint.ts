import { createHash, X509Certificate } from 'node:crypto';

/** Both thumbprints of a server certificate, in VDDK's form (uppercase hex pairs, colon separated). */
export interface CertificateThumbprints {
  /** SHA-1, as VixDiskLib's connect params expect it. */
  sha1: string;
  /** SHA-256, what Lifeboat pins and shows first. */
  sha256: string;
}

function colonHex(digest: Buffer): string {
  return digest.toString('hex').toUpperCase().match(/../g)!.join(':');
}

/** Thumbprints of a DER-encoded certificate. */
export function thumbprintsOfDer(der: Buffer): CertificateThumbprints {
  return {
    sha1: colonHex(createHash('sha1').update(der).digest()),
    sha256: colonHex(createHash('sha256').update(der).digest()),
  };
}

/** Thumbprints of a PEM certificate (for tests and imported certificates). */
export function thumbprintsOfPem(pem: string): CertificateThumbprints {
  return thumbprintsOfDer(new X509Certificate(pem).raw);
}

/**
 * Accepts a thumbprint as users paste it (any case, with colons, spaces or
 * nothing between pairs) and returns the canonical uppercase colon form, or
 * undefined when it is not `bytes` bytes of hex.
 */
export function normalizeThumbprint(input: string, bytes: 20 | 32): string | undefined {
  const hex = input.replace(/^sha-?(1|256)[:=\s]*/i, '').replace(/[\s:-]/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== bytes * 2) return undefined;
  return hex.toUpperCase().match(/../g)!.join(':');
}

/** Constant-format comparison of two thumbprints in any accepted spelling. */
export function sameThumbprint(a: string, b: string): boolean {
  const bytes = a.replace(/[^0-9a-fA-F]/g, '').length === 40 ? 20 : 32;
  const na = normalizeThumbprint(a, bytes);
  const nb = normalizeThumbprint(b, bytes);
  return na !== undefined && na === nb;
}
