import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, ConnectionSummary, VmRow } from '../../electron/api/contract';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useInventoryStore } from '../../renderer/src/stores/inventory-store';
import { fakeBridge } from './fake-bridge';

const SHA256 = Array.from({ length: 32 }, (_v, i) => (i + 16).toString(16).toUpperCase()).join(':');
const SHA1 = Array.from({ length: 20 }, (_v, i) => (i + 16).toString(16).toUpperCase()).join(':');
const saved: ConnectionSummary = {
  name: 'vc01', url: 'https://vc01/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: SHA256,
};

function probeAnswer(trust: 'new' | 'changed'): CallResult {
  return { ok: true, value: { server: 'vc01', url: 'https://vc01/sdk', thumbprintSha256: SHA256, thumbprintSha1: SHA1, trust } };
}

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });
}

beforeEach(() => {
  useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
  useInventoryStore.setState({ connection: null, vms: { status: 'idle' }, filter: '' });
  window.location.hash = '#/connections';
});

describe('Connections page', () => {
  it('shows both thumbprints before trusting, then adds with the confirmed thumbprint', async () => {
    const answers: Record<string, CallResult> = {
      'jobs.list': { ok: true, value: [] },
      'connections.list': { ok: true, value: [] },
      'connections.probe': probeAnswer('new'),
      'connections.add': { ok: true, value: saved },
    };
    const fake = fakeBridge(answers);
    bootstrap(fake.bridge, window);
    render(<AppFrame />);
    await screen.findByTestId('connections-empty');
    fill('Server', 'vc01');
    fill('User', 'admin');
    fill('Password', 'pa55word');
    fireEvent.click(screen.getByRole('button', { name: 'Check certificate' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Trust the certificate of vc01?');
    expect(screen.getByTestId('thumbprint-sha256').textContent).toBe(SHA256);
    expect(screen.getByTestId('thumbprint-sha1').textContent).toBe(SHA1);
    expect(fake.calls).not.toContain('connections.add'); // nothing trusted until the user says so
    answers['connections.list'] = { ok: true, value: [saved] };
    fireEvent.click(screen.getByRole('button', { name: 'Trust and connect' }));
    await screen.findByTestId('connection-vc01');
    expect(fake.calls).toContain('connections.add');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect((screen.getByLabelText('Password', { exact: false }) as HTMLInputElement).value).toBe('');
    expect(screen.getByTestId('connection-vc01').textContent).toContain('saved in keychain');
  });

  it('refuses to trust a changed certificate (CONN-THUMBPRINT)', async () => {
    const fake = fakeBridge({ 'jobs.list': { ok: true, value: [] }, 'connections.list': { ok: true, value: [] }, 'connections.probe': probeAnswer('changed') });
    bootstrap(fake.bridge, window);
    render(<AppFrame />);
    fill('Server', 'vc01');
    fill('User', 'admin');
    fill('Password', 'x');
    fireEvent.click(screen.getByRole('button', { name: 'Check certificate' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('possible interception');
    expect(dialog.textContent).toContain('CONN-THUMBPRINT');
    expect(screen.queryByRole('button', { name: 'Trust and connect' })).toBeNull();
  });

  it('shows a wrong password as the engine words it, with nothing saved', async () => {
    const fake = fakeBridge({
      'jobs.list': { ok: true, value: [] },
      'connections.list': { ok: true, value: [] },
      'connections.probe': probeAnswer('new'),
      'connections.add': { ok: false, error: { message: 'Wrong user name or password for vc01.', code: 'InvalidLogin' } },
    });
    bootstrap(fake.bridge, window);
    render(<AppFrame />);
    fill('Server', 'vc01');
    fill('User', 'admin');
    fill('Password', 'wrong');
    fireEvent.click(screen.getByRole('button', { name: 'Check certificate' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Trust and connect' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Wrong user name or password');
  });

  it('browses thousands of VMs with only the visible rows in the DOM', async () => {
    const vms: VmRow[] = Array.from({ length: 5000 }, (_v, i) => ({
      moref: `vm-${i}`, name: `vm-${String(i).padStart(4, '0')}`, powerState: 'poweredOff', guestFamily: 'linux', firmware: 'bios',
      diskCount: 1, encrypted: false, hasVtpm: i === 7, template: false,
    }));
    const fake = fakeBridge({ 'jobs.list': { ok: true, value: [] }, 'connections.list': { ok: true, value: [saved] }, 'inventory.vms': { ok: true, value: vms } });
    bootstrap(fake.bridge, window);
    render(<AppFrame />);
    fireEvent.click(await screen.findByRole('button', { name: 'Browse VMs' }));
    await waitFor(() => expect(screen.getByTestId('vm-count').textContent).toBe('5000 VMs'));
    expect(screen.queryAllByRole('listitem').length).toBeLessThan(100);
    act(() => useInventoryStore.getState().setFilter('vm-4999'));
    expect(screen.getByTestId('vm-count').textContent).toBe('1 of 5000 VMs');
  });
});
