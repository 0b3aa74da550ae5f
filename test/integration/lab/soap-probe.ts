import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface SoapReply {
  status: number;
  body: string;
  /** SHA-256 fingerprint of the server certificate, AA:BB:.. */
  fingerprint256: string;
}

/** Posts one SOAP body to a lab URL over HTTPS, accepting its self-signed certificate. */
export function postSoap(url: string, inner: string, cookie?: string): Promise<SoapReply & { cookie?: string }> {
  const envelope =
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:vim25">' +
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
