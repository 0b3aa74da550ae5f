/**
 * Parses the request target of an HTTP request without ever throwing. The
 * target is appended to our own origin rather than resolved against it:
 * resolving treats `//[` as a (broken) host and throws. Anything that is not
 * an origin-form path (`http://[::1`, `*`) is no target: the caller answers 400.
 */
export function parseRequestTarget(raw: string | undefined, origin: string): URL | null {
  const target = raw ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(origin + target);
  } catch {
    return null;
  }
}
