/** A vSphere endpoint parsed from what the user typed. */
export interface ServerAddress {
  /** Host name or IP as typed (lowercased), without port. */
  host: string;
  port: number;
  /** SOAP path, normally `/sdk`. */
  sdkPath: string;
  /** `host` or `host:port` for messages and account names. */
  server: string;
  /** Canonical `https://host[:port]/sdk`. */
  url: string;
}

/** Accepts `vc01`, `vc01:8443`, `https://vc01/sdk`, `https://[fd00::1]:443/sdk`. */
export function parseServerUrl(input: string): ServerAddress {
  const trimmed = input.trim();
  if (!trimmed) throw new Error('The server address is empty; give a vCenter or ESXi host name, IP or https:// URL.');
  const withScheme = /^[a-z]+:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`"${input}" is not a valid server address; expected a host name, IP or https:// URL.`);
  }
  if (url.protocol !== 'https:') throw new Error(`"${input}" does not use https; vSphere is only reached over HTTPS.`);
  if (url.username || url.password) throw new Error('Put the user name in --user and never a password in the URL.');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port ? Number(url.port) : 443;
  const sdkPath = url.pathname && url.pathname !== '/' ? url.pathname.replace(/\/$/, '') : '/sdk';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const server = port === 443 ? host : `${urlHost}:${port}`;
  return { host, port, sdkPath, server, url: `https://${urlHost}${port === 443 ? '' : `:${port}`}${sdkPath}` };
}
