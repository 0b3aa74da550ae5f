import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { CertificateChangedError, UntrustedCertificateError, connectionErrorFor } from './certificate-errors';
import { sameThumbprint, thumbprintsOfDer, type CertificateThumbprints } from './thumbprint';

/** Where to connect: host and port of the vSphere endpoint. */
export interface ServerEndpoint {
  host: string;
  port: number;
}

function tlsOptions(endpoint: ServerEndpoint): ConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    // Chain validation is replaced by thumbprint pinning (CONN-THUMBPRINT): vSphere
    // certificates are usually self-signed or VMCA-signed, unknown to the OS store.
    rejectUnauthorized: false,
    servername: isIP(endpoint.host) ? undefined : endpoint.host,
  };
}

function peerThumbprints(socket: TLSSocket): CertificateThumbprints {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) throw new Error('the server presented no certificate');
  return thumbprintsOfDer(cert.raw);
}

/**
 * Reads the server's certificate without sending anything over the
 * connection, so its thumbprints can be shown to the user or compared.
 */
export function probeCertificate(endpoint: ServerEndpoint, timeoutMs = 15_000): Promise<CertificateThumbprints> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(tlsOptions(endpoint));
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      try {
        resolve(peerThumbprints(socket));
      } catch (err) {
        reject(err);
      } finally {
        socket.end();
        socket.destroy();
      }
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(connectionErrorFor(endpoint.host, err));
    });
  });
}

/** Decides whether observed thumbprints match the trusted one; throws the CONN-THUMBPRINT errors. */
export function checkTrust(server: string, observed: CertificateThumbprints, trustedSha256: string | undefined): void {
  if (!trustedSha256) throw new UntrustedCertificateError(server, observed);
  if (!sameThumbprint(trustedSha256, observed.sha256)) throw new CertificateChangedError(server, trustedSha256, observed);
}

/**
 * An HTTPS agent whose every socket is checked against the trusted SHA-256
 * thumbprint after the handshake and before any byte of the request is
 * written, so a password or session cookie never reaches an impostor.
 */
export class PinnedAgent extends Agent {
  constructor(
    private readonly server: string,
    private readonly trustedSha256: string,
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 8, ...options });
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const socket = tlsConnect({ ...(options as ConnectionOptions), rejectUnauthorized: false });
    let settled = false;
    const settle = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      callback?.(err, socket);
    };
    socket.once('secureConnect', () => {
      try {
        checkTrust(this.server, peerThumbprints(socket), this.trustedSha256);
      } catch (err) {
        socket.destroy();
        settle(err as Error);
        return;
      }
      settle(null);
    });
    socket.once('error', (err) => settle(connectionErrorFor(this.server, err)));
    // Returning nothing makes the agent wait for the callback (after the check).
    return undefined;
  }
}
