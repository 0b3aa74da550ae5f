import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'lifeboat_session';

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/**
 * Access control of the browser host. The printed URL carries a random
 * one-time token; its first use swaps it for an HttpOnly, SameSite=Strict
 * session cookie and burns the token. Every other request needs the cookie.
 * Host and Origin are checked so a web page elsewhere (DNS rebinding, CSRF)
 * cannot talk to the host.
 */
export class HostAuth {
  private token: string | null = randomBytes(32).toString('base64url');
  private readonly session = randomBytes(32).toString('base64url');
  private allowedHosts: Set<string> = new Set();

  /** The one-time token (null once it has been used). */
  get pendingToken(): string | null {
    return this.token;
  }

  setPort(port: number): void {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.allowedHosts.has(String(req.headers.host ?? '').toLowerCase());
  }

  /** Same-origin check for WebSocket upgrades (browsers always send Origin there). */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (!origin) return false;
    try {
      const url = new URL(origin);
      return url.protocol === 'http:' && this.allowedHosts.has(url.host.toLowerCase());
    } catch {
      return false;
    }
  }

  hasSession(req: IncomingMessage): boolean {
    const value = cookieValue(req, SESSION_COOKIE);
    return value !== undefined && sameSecret(value, this.session);
  }

  /**
   * A fresh one-time token for a lost cookie or a second browser (`lifeboat serve
   * --new-link`); any earlier unused token stops working. Redeeming it joins the same session.
   */
  newToken(): string {
    this.token = randomBytes(32).toString('base64url');
    return this.token;
  }

  /** If `candidate` is the unused token, burns it and returns the Set-Cookie header for the session. */
  redeem(candidate: string | null): string | null {
    if (!candidate || this.token === null || !sameSecret(candidate, this.token)) return null;
    this.token = null;
    return `${SESSION_COOKIE}=${this.session}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
