import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { TargetStep } from '../../renderer/src/restore/target-step';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { fakeBridge } from './fake-bridge';

const lab = { name: 'lab', url: 'https://127.0.0.1:1/sdk', user: 'u', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: null };

beforeEach(() => useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} }));

describe('restore target step', () => {
  it('suggests the datastores of the chosen connection, with type and free space', async () => {
    const fake = fakeBridge({
      'jobs.list': { ok: true, value: [] },
      'connections.list': { ok: true, value: [lab] },
      'inventory.datastores': {
        ok: true,
        value: [
          { name: 'LocalDS_0', type: 'VMFS', capacityBytes: 2 ** 40, freeBytes: 2 ** 39, accessible: true },
          { name: 'lab-nfs', type: 'NFS', capacityBytes: 2 ** 40, freeBytes: 2 ** 30, accessible: true },
        ],
      },
    });
    bootstrap(fake.bridge, window);
    render(<TargetStep />);
    // The only connection is chosen by itself; its datastores arrive as suggestions for the free-text field.
    await waitFor(() => expect(screen.getByTestId('datastore-suggestions').querySelectorAll('option')).toHaveLength(2));
    const first = screen.getByTestId('datastore-suggestions').querySelector('option');
    expect(first?.getAttribute('value')).toBe('LocalDS_0');
    expect(first?.getAttribute('label')).toBe('VMFS, 512.0 GiB free of 1.0 TiB');
    expect(fake.calls).toContain('inventory.datastores');
  });

  it('keeps the field usable when the inventory cannot be read', async () => {
    const fake = fakeBridge({ 'jobs.list': { ok: true, value: [] }, 'connections.list': { ok: true, value: [lab] } });
    bootstrap(fake.bridge, window);
    render(<TargetStep />);
    await waitFor(() => expect(fake.calls).toContain('inventory.datastores'));
    expect(screen.getByTestId('datastore-suggestions').querySelectorAll('option')).toHaveLength(0);
    expect((screen.getByLabelText('Datastore', { exact: false }) as HTMLInputElement).disabled).toBe(false);
  });
});
