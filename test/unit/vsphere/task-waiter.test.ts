import { afterEach, describe, expect, it } from 'vitest';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { waitForTask } from '../../../electron/vsphere/task-waiter';
import { VimFault } from '../../../electron/vsphere/vim-fault';
import { thumbprintsOfPem } from '../../../electron/vsphere/thumbprint';
import { LOGIN_OK, SERVICE_CONTENT, response, startFakeVimServer, type FakeVimServer } from './fake-vim-server';

let server: FakeVimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const taskInfo = (inner: string) =>
  response('RetrievePropertiesEx', `<returnval><objects><obj type="Task">task-9</obj><propSet><name>info</name><val xsi:type="TaskInfo"><key>task-9</key>${inner}</val></propSet></objects></returnval>`);

async function sessionFor(states: string[]): Promise<VimSession> {
  let i = 0;
  server = await startFakeVimServer((call) => {
    if (call.method === 'RetrieveServiceContent') return { xml: SERVICE_CONTENT };
    if (call.method === 'Login') return { xml: LOGIN_OK, cookie: 'c' };
    if (call.method === 'RetrievePropertiesEx') return { xml: taskInfo(states[Math.min(i++, states.length - 1)]!) };
    return { xml: response(call.method, '') };
  });
  return VimSession.connect({ url: server.url, username: 'u', password: async () => 'p', trustedSha256: thumbprintsOfPem(server.certPem).sha256 });
}

const task = { type: 'Task', value: 'task-9' };

describe('waitForTask', () => {
  it('reports progress and returns the task result', async () => {
    const session = await sessionFor([
      '<state>queued</state>',
      '<state>running</state><progress>40</progress>',
      '<state>running</state><progress>80</progress>',
      '<state>success</state><result type="VirtualMachine" xsi:type="ManagedObjectReference">vm-77</result>',
    ]);
    const progress: number[] = [];
    const result = await waitForTask(session, task, { pollMs: 5, onProgress: (p) => progress.push(p) });
    expect(result).toEqual({ type: 'VirtualMachine', value: 'vm-77' });
    expect(progress).toEqual([40, 80, 100]);
    await session.close();
  });

  it('turns a task error into a readable VimFault naming the operation', async () => {
    const session = await sessionFor([
      '<state>error</state><error><fault xsi:type="FileAlreadyExists"><file>[ds1] web01/web01.vmx</file></fault>' +
        '<localizedMessage>Cannot complete the operation because the file or folder [ds1] web01/web01.vmx already exists</localizedMessage></error>',
    ]);
    const err = (await waitForTask(session, task, { pollMs: 5, description: 'create VM web01' }).catch((e: unknown) => e)) as VimFault;
    expect(err).toBeInstanceOf(VimFault);
    expect(err.faultType).toBe('FileAlreadyExists');
    expect(err.message).toMatch(/^create VM web01: a file already exists on the datastore \(Cannot complete the operation because the file or folder \[ds1\] web01\/web01\.vmx already exists\)/);
    await session.close();
  });

  it('cancels the server task when the caller aborts', async () => {
    const session = await sessionFor(['<state>running</state><progress>10</progress>']);
    const abort = new AbortController();
    const waiting = waitForTask(session, task, { pollMs: 20, signal: abort.signal });
    setTimeout(() => abort.abort(new Error('user cancelled')), 60);
    await expect(waiting).rejects.toThrow(/user cancelled/);
    expect(server!.calls.some((c) => c.method === 'CancelTask' && c.body.includes('task-9'))).toBe(true);
    await session.close();
  });
});
