import { afterEach, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { retrievePages } from '../../../electron/vsphere/property-collector';
import { thumbprintsOfPem } from '../../../electron/vsphere/thumbprint';
import { probeCertificate } from '../../../electron/vsphere/pinned-tls';
import { LOGIN_OK, SERVICE_CONTENT, fault, response, startFakeVimServer, type FakeCall, type FakeReply, type FakeVimServer } from './fake-vim-server';

let server: FakeVimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const vmObjects = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `<objects><obj type="VirtualMachine">vm-${from + i}</obj><propSet><name>name</name><val xsi:type="xsd:string">vm ${from + i}</val></propSet></objects>`).join('');

async function connect(s: FakeVimServer, password: () => Promise<string>, keepaliveMs?: number) {
  return VimSession.connect({ url: s.url, username: 'administrator@vsphere.local', password, trustedSha256: thumbprintsOfPem(s.certPem).sha256, keepaliveMs });
}

describe('VimSession against a scripted vim25 server', () => {
  it('follows ContinueRetrievePropertiesEx tokens until the last page', async () => {
    const pages = [vmObjects(0, 3), vmObjects(3, 6), vmObjects(6, 7)];
    server = await startFakeVimServer((call: FakeCall): FakeReply => {
      if (call.method === 'RetrieveServiceContent') return { xml: SERVICE_CONTENT };
      if (call.method === 'Login') return { xml: LOGIN_OK, cookie: 'c1' };
      if (call.method === 'RetrievePropertiesEx') {
        expect(call.body).toContain('<maxObjects>3</maxObjects>');
        return { xml: response('RetrievePropertiesEx', `<returnval><token>t1</token>${pages[0]}</returnval>`) };
      }
      if (call.method === 'ContinueRetrievePropertiesEx') {
        const token = /<token>(\w+)<\/token>/.exec(call.body)?.[1];
        if (token === 't1') return { xml: response('ContinueRetrievePropertiesEx', `<returnval><token>t2</token>${pages[1]}</returnval>`) };
        return { xml: response('ContinueRetrievePropertiesEx', `<returnval>${pages[2]}</returnval>`) };
      }
      return { xml: response(call.method, '') };
    });
    const session = await connect(server, async () => 'pw');
    expect(session.userName).toBe('VSPHERE.LOCAL\\Administrator');
    const seen: string[][] = [];
    for await (const page of retrievePages(session, { root: session.serviceContent.rootFolder, properties: [{ type: 'VirtualMachine', pathSet: ['name'] }] }, 3)) {
      seen.push(page.map((o) => `${o.obj.value}=${String(o.props.name)}`));
    }
    expect(seen).toEqual([
      ['vm-0=vm 0', 'vm-1=vm 1', 'vm-2=vm 2'],
      ['vm-3=vm 3', 'vm-4=vm 4', 'vm-5=vm 5'],
      ['vm-6=vm 6'],
    ]);
    expect(server.calls.filter((c) => c.method === 'ContinueRetrievePropertiesEx').every((c) => c.cookie === 'c1')).toBe(true);
    // SOAPAction uses the server's API version once known; the Login body is the only place the password went.
    expect(server.calls.filter((c) => c.body.includes('>pw<')).map((c) => c.method)).toEqual(['Login']);
    await session.close();
    expect(server.calls.at(-1)?.method).toBe('Logout');
  });

  it('logs in again once when the session expired, fetching the password again', async () => {
    let logins = 0;
    let expired = false;
    server = await startFakeVimServer((call) => {
      if (call.method === 'RetrieveServiceContent') return { xml: SERVICE_CONTENT };
      if (call.method === 'Login') {
        logins++;
        expired = false;
        return { xml: LOGIN_OK, cookie: `c${logins}` };
      }
      if (call.method === 'CurrentTime') {
        if (expired || call.cookie !== `c${logins}`) return { status: 500, xml: fault('NotAuthenticated', 'The session is not authenticated.') };
        return { xml: response('CurrentTime', '<returnval>2026-01-01T00:00:00Z</returnval>') };
      }
      return { xml: response(call.method, '') };
    });
    let asked = 0;
    const session = await connect(server, async () => {
      asked++;
      return 'pw';
    });
    expired = true;
    const now = await session.call('CurrentTime', { _this: { type: 'ServiceInstance', value: 'ServiceInstance' } });
    expect(now).toBe('2026-01-01T00:00:00Z');
    expect(logins).toBe(2);
    expect(asked).toBe(2);
    await session.close();
  });

  it('does not loop when re-login itself fails: the InvalidLogin fault reaches the caller', async () => {
    let logins = 0;
    server = await startFakeVimServer((call) => {
      if (call.method === 'RetrieveServiceContent') return { xml: SERVICE_CONTENT };
      if (call.method === 'Login') {
        logins++;
        return logins === 1 ? { xml: LOGIN_OK, cookie: 'c1' } : { status: 500, xml: fault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.') };
      }
      return { status: 500, xml: fault('NotAuthenticated', 'The session is not authenticated.') };
    });
    const session = await connect(server, async () => 'pw');
    await expect(session.call('CurrentTime', { _this: { type: 'ServiceInstance', value: 'ServiceInstance' } })).rejects.toThrow(/wrong user name or password/);
    expect(logins).toBe(2);
    await session.close();
  });

  it('keeps the session alive with CurrentTime', async () => {
    server = await startFakeVimServer((call) => {
      if (call.method === 'RetrieveServiceContent') return { xml: SERVICE_CONTENT };
      if (call.method === 'Login') return { xml: LOGIN_OK, cookie: 'c1' };
      return { xml: response(call.method, call.method === 'CurrentTime' ? '<returnval>2026-01-01T00:00:00Z</returnval>' : '') };
    });
    const session = await connect(server, async () => 'pw', 50);
    await new Promise((r) => setTimeout(r, 400));
    expect(server.calls.filter((c) => c.method === 'CurrentTime').length).toBeGreaterThanOrEqual(2);
    await session.close();
  });

  it('probes the certificate and reports thumbprints equal to openssl\'s', async () => {
    server = await startFakeVimServer(() => ({ xml: SERVICE_CONTENT }));
    const port = Number(new URL(server.url).port);
    const seen = await probeCertificate({ host: '127.0.0.1', port });
    expect(seen).toEqual(thumbprintsOfPem(server.certPem));
    expect(server.calls).toHaveLength(0);
  });
});
