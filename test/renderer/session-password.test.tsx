import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, LifeboatBridge, OpenedRepository, RestorePlanView } from '../../electron/api/contract';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { usePasswordPromptStore } from '../../renderer/src/connections/password-prompt-store';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useInventoryStore } from '../../renderer/src/stores/inventory-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useRepositoriesStore } from '../../renderer/src/stores/repositories-store';
import { useRestoreWizardStore } from '../../renderer/src/stores/restore-wizard-store';
import { fakeBridge } from './fake-bridge';
import { targets } from './restore-targets-fixture';

const SECRET = 'pa55-for-this-session';
const missing: CallResult = {
  ok: false,
  error: { message: 'no saved password for admin@vc01 in the OS keychain, and none was given for this session', code: 'missing-credential', hint: 'Give the password for this session.' },
};

const repo: OpenedRepository = {
  id: 'r1',
  path: '/backups/lifeboat',
  points: [{ id: 'p0123456789abcdef', vm: 'sql01', kind: 'full', createdAt: '2026-11-20T10:00:00Z', disks: 1, allocatedBytes: 1024 ** 3 }],
};

const plan: RestorePlanView = {
  ok: true, vm: 'sql01', vmName: 'sql01-restored', verify: true, powerOn: false, encryption: 'keep', storagePolicy: null, hardwareVersion: null,
  networks: [], restoreKind: 'full-vm', transportOption: 'nbdssl',
  disks: [{ key: 2000, label: 'Hard disk 1', transport: 'nbdssl', excluded: {}, chosenBy: 'options', why: 'NBDSSL as chosen.', restoredProvisioning: 'thin', bytesToWrite: 1024 ** 3, firstWriteAllocates: true }],
  findings: [], steps: [], rulesApplied: [],
};

/**
 * A bridge whose connection-bound calls fail with missing-credential (no
 * password saved, CONN-NO-KEYCHAIN) until connections.usePassword was called,
 * as the engine behaves; records every call's input.
 */
function engineWithoutSavedPassword(extra: Record<string, CallResult> = {}) {
  const withPassword: Record<string, CallResult> = {
    'inventory.restoreTargets': { ok: true, value: targets },
    'inventory.vmNameInUse': { ok: true, value: { name: 'sql01-restored', inUse: false } },
    'restore.plan': { ok: true, value: plan },
  };
  const answers: Record<string, CallResult> = {
    'jobs.list': { ok: true, value: [] },
    'connections.list': { ok: true, value: [{ name: 'vc01', url: 'https://vc01/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: false, thumbprintSha256: null }] },
    'connections.usePassword': { ok: true, value: { ok: true } },
    'repositories.open': { ok: true, value: repo },
    'repositories.pointDetails': { ok: false, error: { message: 'not needed here', code: 'test' } },
    'inventory.restoreTargets': missing,
    'inventory.vmNameInUse': missing,
    'restore.plan': missing,
    ...extra,
  };
  const fake = fakeBridge(answers);
  const inputs: Array<[string, unknown]> = [];
  const raw = fake.bridge as unknown as Record<string, Record<string, (i?: unknown) => unknown>>;
  const bridge = new Proxy({}, {
    get: (_t, domain: string) => new Proxy({}, {
      get: (_m, method: string) => {
        const fn = raw[domain]![method]!;
        if (method.startsWith('on')) return fn;
        return (input?: unknown) => {
          inputs.push([`${domain}.${method}`, input]);
          if (`${domain}.${method}` === 'connections.usePassword' && answers['connections.usePassword']!.ok) Object.assign(answers, withPassword);
          return fn(input);
        };
      },
    }),
  }) as LifeboatBridge;
  return { ...fake, bridge, inputs, answers };
}

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });

/** Everything the renderer keeps (stores) as text: the password must not be in it. */
const rendererState = () =>
  JSON.stringify([useRestoreWizardStore, useConnectionsStore, useRepositoriesStore, useInventoryStore, useJobsStore, usePasswordPromptStore].map((s) => s.getState()));

async function walkToTarget(fake: ReturnType<typeof engineWithoutSavedPassword>) {
  bootstrap(fake.bridge, window);
  render(<AppFrame />);
  fill('Repository folder', '/backups/lifeboat');
  fill('Repository password', 's3cret');
  fireEvent.click(screen.getByRole('button', { name: 'Open repository' }));
  fireEvent.click(await screen.findByRole('radio', { name: /Restore point of sql01/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Next: restore mode' }));
  fireEvent.click(screen.getByRole('button', { name: 'Next: target' }));
}

beforeEach(() => {
  useJobsStore.setState({ jobs: {}, rates: {} });
  useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
  useRepositoriesStore.setState({ opened: {}, busy: false, problem: null });
  useInventoryStore.setState({ connection: null, vms: { status: 'idle' }, filter: '' });
  usePasswordPromptStore.setState({ asking: null });
  useRestoreWizardStore.getState().reset();
  window.location.hash = '#/restore';
});

describe('the password prompt for a connection whose password is not saved (CONN-NO-KEYCHAIN)', () => {
  it('the wizard asks in a dialog on the connection step, sends it with connections.usePassword, forgets it and goes on', async () => {
    const fake = engineWithoutSavedPassword();
    await walkToTarget(fake);
    const dialog = await screen.findByRole('dialog', { name: 'Password for vc01' });
    const field = within(dialog).getByLabelText('Password') as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.change(field, { target: { value: SECRET } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use for this session' }));
    // The pickers load: the calls that needed the password were made again.
    await screen.findByLabelText('Datastore', { exact: true });
    expect(screen.queryByRole('dialog')).toBeNull();
    // One dialog for the calls that failed together, one usePassword.
    expect(fake.inputs.filter(([n]) => n === 'connections.usePassword')).toEqual([['connections.usePassword', { name: 'vc01', password: SECRET }]]);
    expect(field.value).toBe('');
    expect(rendererState()).not.toContain(SECRET);
    expect(document.body.innerHTML).not.toContain(SECRET);

    // The plan uses the session password too (the engine now has it): no second prompt.
    fireEvent.change(screen.getByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
    fireEvent.change(screen.getByLabelText('Transport'), { target: { value: 'nbdssl' } });
    await waitFor(() => expect(screen.getByTestId('plan-status').textContent).toMatch(/^OK: 1 disk/), { timeout: 5000 });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('planning asks too; cancelling the dialog shows the original error and sends nothing', async () => {
    const fake = engineWithoutSavedPassword({
      'inventory.restoreTargets': { ok: true, value: targets },
      'inventory.vmNameInUse': { ok: true, value: { name: 'sql01-restored', inUse: false } },
    });
    await walkToTarget(fake);
    fireEvent.change(await screen.findByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
    const dialog = await screen.findByRole('dialog', { name: 'Password for vc01' }, { timeout: 5000 });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.getByTestId('plan-status').textContent).toMatch(/^Could not plan: no saved password for admin@vc01/));
    expect(fake.inputs.some(([n]) => n === 'connections.usePassword')).toBe(false);
  });

  it('a refused password is said in the dialog, which stays open for another try', async () => {
    const fake = engineWithoutSavedPassword({ 'connections.usePassword': { ok: false, error: { message: 'there is no saved connection named "vc01"', code: 'connection-not-found' } } });
    await walkToTarget(fake);
    const dialog = await screen.findByRole('dialog', { name: 'Password for vc01' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: SECRET } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use for this session' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('there is no saved connection named "vc01"');
    expect((within(dialog).getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(rendererState()).not.toContain(SECRET);
  });

  it('the Connections page offers "Use password for this session"', async () => {
    window.location.hash = '#/connections';
    const fake = engineWithoutSavedPassword();
    bootstrap(fake.bridge, window);
    render(<AppFrame />);
    const row = await screen.findByTestId('connection-vc01');
    fireEvent.click(within(row).getByRole('button', { name: 'Use password for this session' }));
    const dialog = screen.getByRole('dialog', { name: 'Password for vc01' });
    fireEvent.change(within(dialog).getByLabelText('Password'), { target: { value: SECRET } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use for this session' }));
    expect((await screen.findByText(/used for vc01 in this session only/)).textContent).toContain('not saved');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.inputs.filter(([n]) => n === 'connections.usePassword')).toEqual([['connections.usePassword', { name: 'vc01', password: SECRET }]]);
    expect(rendererState()).not.toContain(SECRET);
  });
});
