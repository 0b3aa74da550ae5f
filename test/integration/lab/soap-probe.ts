import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface SoapReply {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the server certificate, AA:BB:.. */
  fingerprint256: string;
}

/** Posts one SOAP body to a lab URL over HTTPS, accepting its self-signed certificate. */
export function postSoap(url: string, inner: string, cookie?: string, header?: string): Promise<SoapReply & { cookie?: string }> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:vim25">' +
    (header ? `<soapenv:Header>${header}</soapenv:Header>` : '') +
    `<soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        rejectUnauthorized: false,
        headers: {
          'Content-Type': 'text/xml; charset=utf-8',
          SOAPAction: 'urn:vim25/8.0',
          ...(cookie ? { Cookie: cookie } : {}),
        },
      },
      (res) => {
        const fingerprint256 = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0]?.split(';')[0];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            fingerprint256,
            cookie: setCookie,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(envelope);
  });
}

export const retrieveServiceContent =
  '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>';

export function login(sessionManager: string, user: string, password: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return (
    `<Login><_this type="SessionManager">${sessionManager}</_this>` +
    `<userName>${esc(user)}</userName><password>${esc(password)}</password></Login>`
  );
}

/** A logged-in raw SOAP session, enough for the lab's own tests. */
export class LabSoapSession {
  private constructor(
    private readonly url: string,
    private readonly cookie: string,
  ) {}

  static async login(url: string, user: string, password: string): Promise<LabSoapSession> {
    const reply = await postSoap(url, login('SessionManager', user, password));
    if (reply.status !== 200 || !reply.cookie) throw new Error(`login failed: ${reply.body}`);
    return new LabSoapSession(url, reply.cookie);
  }

  async call(inner: string, path = '/sdk'): Promise<string> {
    // PBM (like vCenter's) reads the session from the vcSessionCookie header: the bare id, without the cookie's quotes.
    const header = path === '/pbm' ? `<vcSessionCookie>${this.cookie.replace(/^[^=]*="?|"$/g, '')}</vcSessionCookie>` : undefined;
    const reply = await postSoap(this.url.replace(/\/sdk$/, path), inner, this.cookie, header);
    if (reply.status !== 200) throw new Error(`SOAP call failed (${reply.status}): ${reply.body}`);
    // Go's encoder spells nested type attributes with the full namespace name.
    return reply.body.replace(/ xmlns:XMLSchema-instance="[^"]*"/g, '').replace(/XMLSchema-instance:type=/g, 'xsi:type=');
  }

  /** Storage policy ids PBM reports for a VM ("vm-42") or one of its disks ("vm-42:2000"). */
  async associatedProfiles(objectType: 'virtualMachine' | 'virtualDiskId', key: string): Promise<string[]> {
    const body = await this.call(
      '<PbmQueryAssociatedProfile><_this type="PbmProfileProfileManager">ProfileManager</_this>' +
        `<entity><objectType>${objectType}</objectType><key>${key}</key></entity></PbmQueryAssociatedProfile>`,
      '/pbm',
    );
    return [...body.matchAll(/<uniqueId>([^<]+)<\/uniqueId>/g)].map((m) => m[1]!);
  }

  /** Moref value of an inventory path such as "DC0/vm/lab-encrypted". */
  async findByPath(path: string): Promise<string> {
    const body = await this.call(
      `<FindByInventoryPath><_this type="SearchIndex">SearchIndex</_this><inventoryPath>${path}</inventoryPath></FindByInventoryPath>`,
    );
    const m = /<returnval type="[^"]+">([^<]+)<\/returnval>/.exec(body);
    if (!m?.[1]) throw new Error(`not found: ${path}`);
    return m[1];
  }

  /** Raw XML of the given properties of one object. */
  async properties(type: string, moref: string, paths: string[]): Promise<string> {
    return this.call(
      '<RetrievePropertiesEx><_this type="PropertyCollector">propertyCollector</_this><specSet>' +
        `<propSet><type>${type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join('')}</propSet>` +
        `<objectSet><obj type="${type}">${moref}</obj></objectSet></specSet><options></options></RetrievePropertiesEx>`,
    );
  }

  /** Runs a *_Task method and returns the task's final info XML; throws if it failed. */
  async task(inner: string): Promise<string> {
    const body = await this.call(inner);
    const m = /<returnval type="Task">([^<]+)<\/returnval>/.exec(body);
    if (!m?.[1]) throw new Error(`no task in reply: ${body}`);
    const info = await this.properties('Task', m[1], ['info']);
    if (!info.includes('<state>success</state>')) throw new Error(`task failed: ${info}`);
    return info;
  }
}
