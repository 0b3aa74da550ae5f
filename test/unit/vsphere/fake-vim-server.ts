import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  method: string;
  body: string;
  cookie: string | undefined;
}

export interface FakeReply {
  status?: number;
  xml: string;
  cookie?: string;
}

export interface FakeVimServer {
  url: string;
  certPem: string;
  calls: FakeCall[];
  close(): Promise<void>;
}

/** A self-signed certificate made by openssl, an implementation independent of ours. */
export function makeCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const envelope = (inner: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
  inner +
  '</soapenv:Body></soapenv:Envelope>';

export const response = (method: string, returnval: string) => envelope(`<${method}Response xmlns="urn:vim25">${returnval}</${method}Response>`);

export const fault = (type: string, text: string, detail = '') =>
  envelope(
    `<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>${text}</faultstring><detail><${type}Fault xmlns="urn:vim25" xsi:type="${type}">${detail}</${type}Fault></detail></soapenv:Fault>`,
  );

export const SERVICE_CONTENT = response(
  'RetrieveServiceContent',
  '<returnval><rootFolder type="Folder">group-d1</rootFolder><propertyCollector type="PropertyCollector">propertyCollector</propertyCollector>' +
    '<sessionManager type="SessionManager">SessionManager</sessionManager><about><name>VMware vCenter Server</name><fullName>VMware vCenter Server 8.0.2 build-22385739</fullName>' +
    '<version>8.0.2</version><build>22385739</build><apiType>VirtualCenter</apiType><apiVersion>8.0.2.0</apiVersion></about></returnval>',
);

export const LOGIN_OK = response('Login', '<returnval><key>k</key><userName>VSPHERE.LOCAL\\Administrator</userName></returnval>');

/** Starts an HTTPS server speaking just enough vim25 for the test's handler. */
export async function startFakeVimServer(handler: (call: FakeCall) => FakeReply): Promise<FakeVimServer> {
  const { key, cert } = makeCertificate();
  const calls: FakeCall[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = /<(\w+) xmlns="urn:vim25">/.exec(body)?.[1] ?? '';
      const cookie = /vmware_soap_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      const call = { method, body, cookie };
      calls.push(call);
      const reply = handler(call);
      const headers: Record<string, string> = { 'Content-Type': 'text/xml; charset=utf-8' };
      if (reply.cookie) headers['Set-Cookie'] = `vmware_soap_session=${reply.cookie}; Path=/; HttpOnly; Secure`;
      res.writeHead(reply.status ?? 200, headers);
      res.end(reply.xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}/sdk`,
    certPem: cert,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
