import type { CertificateThumbprints } from './thumbprint';

/** CONN-THUMBPRINT: the server's certificate is not trusted yet; the user must confirm it. */
export class UntrustedCertificateError extends Error {
  readonly rule = 'CONN-THUMBPRINT';
  constructor(
    readonly server: string,
    readonly thumbprints: CertificateThumbprints,
  ) {
    super(
      `The certificate of ${server} is not trusted yet (SHA-256 ${thumbprints.sha256}, SHA-1 ${thumbprints.sha1}). ` +
        'Compare the thumbprint with the one shown on the server console or by your administrator before trusting it.',
    );
    this.name = 'UntrustedCertificateError';
  }
}

/** CONN-THUMBPRINT: the certificate differs from the one trusted earlier; refused as a possible interception. */
export class CertificateChangedError extends Error {
  readonly rule = 'CONN-THUMBPRINT';
  constructor(
    readonly server: string,
    readonly trustedSha256: string,
    readonly thumbprints: CertificateThumbprints,
  ) {
    super(
      `The certificate of ${server} has changed since it was trusted: possible interception. ` +
        `Trusted SHA-256 ${trustedSha256}, now presented ${thumbprints.sha256}. ` +
        'Connection refused. If the certificate was replaced on purpose, remove the connection and add it again after checking the new thumbprint.',
    );
    this.name = 'CertificateChangedError';
  }
}

/** CONN-DNS: the server name does not resolve from this workstation. */
export class ServerNameResolutionError extends Error {
  readonly rule = 'CONN-DNS';
  constructor(
    readonly server: string,
    readonly code: string,
  ) {
    super(
      `No host found: the name ${server} does not resolve from this workstation (${code}). ` +
        'Check the spelling and the DNS settings; certificate checks and VDDK connections need working name resolution.',
    );
    this.name = 'ServerNameResolutionError';
  }
}

/** The server could not be reached at all (refused, timed out, TLS failure). */
export class ServerUnreachableError extends Error {
  constructor(
    readonly server: string,
    readonly code: string,
    detail: string,
  ) {
    super(`Cannot reach ${server} (${code}): ${detail}. Check the address, port and any firewall between here and the server.`);
    this.name = 'ServerUnreachableError';
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

/** Maps a socket error to a typed, readable connection error. */
export function connectionErrorFor(server: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // Already mapped (the socket's error reaches the request again): mapping it twice doubles the text.
  if (err instanceof UntrustedCertificateError || err instanceof CertificateChangedError) return err;
  if (err instanceof ServerNameResolutionError || err instanceof ServerUnreachableError) return err;
  if (code && DNS_CODES.has(code)) return new ServerNameResolutionError(server, code);
  if (code) return new ServerUnreachableError(server, code, (err as Error).message);
  return err instanceof Error ? err : new Error(String(err));
}
