import { request } from 'node:https';
import { decodeResponse, encodeRequest } from './soap-codec';
import { VimFault } from './vim-fault';
import { connectionErrorFor } from './certificate-errors';
import { PinnedAgent } from './pinned-tls';
import { parseServerUrl, type ServerAddress } from './server-url';
import { asObject, asString, moRef, type MoRef, type VimObject, type VimValue } from './vim-types';

/** A SOAP service other than vim25 on the same server. */
export interface SoapService {
  path: string;
  namespace: string;
  soapAction: string;
}

export interface VimSessionOptions {
  url: string;
  username: string;
  /**
   * Fetches the password when a login is needed (first login, re-login after
   * expiry); the session never keeps it.
   */
  password: () => Promise<string>;
  /** SHA-256 thumbprint the user trusted (CONN-THUMBPRINT); every socket is checked against it. */
  trustedSha256: string;
  /** Keepalive period; vCenter drops idle sessions after 30 minutes by default. */
  keepaliveMs?: number;
  requestTimeoutMs?: number;
}

/** The parts of ServiceContent Lifeboat uses, plus the whole object for the rest. */
export interface ServiceContent {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  sessionManager: MoRef;
  fileManager?: MoRef;
  virtualDiskManager?: MoRef;
  about: {
    name: string;
    fullName: string;
    version: string;
    build: string;
    apiType: 'VirtualCenter' | 'HostAgent' | string;
    apiVersion: string;
    instanceUuid?: string;
  };
  raw: VimObject;
}

const SERVICE_INSTANCE = moRef('ServiceInstance', 'ServiceInstance');
const COOKIE_NAME = 'vmware_soap_session';
// Oldest namespace with everything Lifeboat sends (firmware, keyId, vTPM need 6.7).
const BOOTSTRAP_API_VERSION = '6.7';

/** A logged-in vim25 session with keepalive and one transparent re-login on expiry. */
export class VimSession {
  readonly address: ServerAddress;
  readonly agent: PinnedAgent;
  private cookie: string | undefined;
  private apiVersion = BOOTSTRAP_API_VERSION;
  private keepalive: NodeJS.Timeout | undefined;
  private relogin: Promise<void> | undefined;
  private closed = false;
  serviceContent!: ServiceContent;
  /** The user name the server reports for this session. */
  userName = '';

  private constructor(private readonly options: VimSessionOptions) {
    this.address = parseServerUrl(options.url);
    this.agent = new PinnedAgent(this.address.server, options.trustedSha256);
  }

  /** Connects, checks the certificate, reads ServiceContent and logs in. */
  static async connect(options: VimSessionOptions): Promise<VimSession> {
    const session = new VimSession(options);
    try {
      const content = await session.invoke('RetrieveServiceContent', { _this: SERVICE_INSTANCE });
      session.serviceContent = readServiceContent(asObject(content) ?? {});
      session.apiVersion = session.serviceContent.about.apiVersion || BOOTSTRAP_API_VERSION;
      await session.login();
    } catch (err) {
      session.agent.destroy();
      throw err;
    }
    session.startKeepalive(options.keepaliveMs ?? 5 * 60_000);
    return session;
  }

  get server(): string {
    return this.address.server;
  }

  /** True when connected straight to an ESXi host rather than vCenter. */
  get isHostAgent(): boolean {
    return this.serviceContent.about.apiType === 'HostAgent';
  }

  /** Headers that carry the session to the server's HTTP services (datastore file service). */
  sessionHeaders(): Record<string, string> {
    return this.cookie ? { Cookie: `${COOKIE_NAME}=${this.cookie}` } : {};
  }

  /** Calls a vim25 method; re-logs in once if the session has expired. */
  async call(method: string, args: Record<string, VimValue>): Promise<VimValue> {
    if (this.closed) throw new Error(`The session with ${this.server} is closed.`);
    try {
      return await this.invoke(method, args);
    } catch (err) {
      if (!(err instanceof VimFault) || !err.is('NotAuthenticated')) throw err;
      this.relogin ??= this.login().finally(() => (this.relogin = undefined));
      await this.relogin;
      return this.invoke(method, args);
    }
  }

  /** Logs out and releases the connection pool. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.keepalive) clearInterval(this.keepalive);
    try {
      if (this.cookie) await this.invoke('Logout', { _this: this.serviceContent.sessionManager });
    } catch {
      // Logging out of a dead session is not an error worth reporting.
    } finally {
      this.cookie = undefined;
      this.agent.destroy();
    }
  }

  private async login(): Promise<void> {
    this.cookie = undefined;
    const password = await this.options.password();
    const result = await this.invoke(
      'Login',
      { _this: this.serviceContent.sessionManager, userName: this.options.username, password },
    );
    this.userName = asString(asObject(result)?.userName) ?? this.options.username;
  }

  private startKeepalive(periodMs: number): void {
    this.keepalive = setInterval(() => {
      // CurrentTime keeps the session alive; a NotAuthenticated here triggers re-login.
      this.call('CurrentTime', { _this: SERVICE_INSTANCE }).catch(() => undefined);
    }, periodMs);
    this.keepalive.unref();
  }

  /**
   * Calls another SOAP service of the same server that shares the vim25
   * session (the storage policy service, PBM, on /pbm).
   */
  async callService(service: SoapService, method: string, args: Record<string, VimValue>): Promise<VimValue> {
    if (this.closed) throw new Error(`The session with ${this.server} is closed.`);
    // PBM takes the vim25 session from this header, not from the cookie, and
    // wants the bare session id: vCenter's cookie value is quoted ("52b5…").
    const header = this.cookie ? { vcSessionCookie: bareSessionId(this.cookie) } : undefined;
    return this.invoke(method, args, { ...service, header });
  }

  private invoke(method: string, args: Record<string, VimValue>, service?: SoapService & { header?: Record<string, string> }): Promise<VimValue> {
    const body = encodeRequest(method, args, { namespace: service?.namespace, header: service?.header });
    const timeoutMs = this.options.requestTimeoutMs ?? 10 * 60_000;
    return new Promise<VimValue>((resolve, reject) => {
      const req = request(
        {
          host: this.address.host,
          port: this.address.port,
          path: service?.path ?? this.address.sdkPath,
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: service ? `"${service.soapAction}"` : `"urn:vim25/${this.apiVersion}"`,
            'Content-Length': Buffer.byteLength(body),
            ...this.sessionHeaders(),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(connectionErrorFor(this.server, err)));
          res.on('end', () => {
            this.captureCookie(res.headers['set-cookie']);
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status !== 200 && status !== 500) {
              reject(new Error(`${method}: ${this.server} answered HTTP ${status}; is ${this.address.sdkPath} a vSphere SOAP endpoint?`));
              return;
            }
            try {
              resolve(decodeResponse(text, method, { server: this.server }));
            } catch (err) {
              reject(err);
            }
          });
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`${method} timed out`), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(connectionErrorFor(this.server, err)));
      // The Login body holds the password: written once, referenced nowhere else.
      req.end(body);
    });
  }

  private captureCookie(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const match = new RegExp(`${COOKIE_NAME}=([^;]+)`).exec(line);
      if (match) this.cookie = match[1];
    }
  }
}

/** The session id inside a cookie value: vCenter and ESXi send it quoted. */
export function bareSessionId(cookieValue: string): string {
  return cookieValue.replace(/^"(.*)"$/, '$1');
}

function readServiceContent(raw: VimObject): ServiceContent {
  const about = asObject(raw.about) ?? {};
  const ref = (k: string): MoRef => {
    const v = raw[k];
    if (!v || typeof v !== 'object' || !('value' in v)) throw new Error(`ServiceContent has no ${k}; is this a vSphere endpoint?`);
    return v as MoRef;
  };
  return {
    rootFolder: ref('rootFolder'),
    propertyCollector: ref('propertyCollector'),
    sessionManager: ref('sessionManager'),
    fileManager: raw.fileManager as MoRef | undefined,
    virtualDiskManager: raw.virtualDiskManager as MoRef | undefined,
    about: {
      name: asString(about.name) ?? '',
      fullName: asString(about.fullName) ?? '',
      version: asString(about.version) ?? '',
      build: asString(about.build) ?? '',
      apiType: asString(about.apiType) ?? '',
      apiVersion: asString(about.apiVersion) ?? '',
      instanceUuid: asString(about.instanceUuid),
    },
    raw,
  };
}
