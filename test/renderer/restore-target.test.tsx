import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PlanFinding } from '../../electron/api/contract';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { initialChoices } from '../../renderer/src/restore/restore-choices';
import { remedyActions } from '../../renderer/src/restore/remedy-actions';
import { TargetStep } from '../../renderer/src/restore/target-step';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useRestoreWizardStore } from '../../renderer/src/stores/restore-wizard-store';
import { fakeBridge } from './fake-bridge';
import { targets } from './restore-targets-fixture';

const lab = { name: 'lab', url: 'https://127.0.0.1:1/sdk', user: 'u', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: null };

beforeEach(() => {
  useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
  useRestoreWizardStore.getState().reset();
});

describe('restore target step', () => {
  it('offers the live inventory of the chosen connection: clusters, hosts, pools, folders, datastores with free space', async () => {
    const fake = fakeBridge({
      'jobs.list': { ok: true, value: [] },
      'connections.list': { ok: true, value: [lab] },
      'inventory.restoreTargets': { ok: true, value: targets },
    });
    bootstrap(fake.bridge, window);
    render(<TargetStep />);
    const datastore = (await screen.findByLabelText('Datastore', { exact: true })) as HTMLSelectElement;
    expect([...datastore.options].map((o) => o.textContent)).toEqual(['Choose a datastore', 'ds1 (VMFS): 512.0 GiB free after the restore of 1.0 TiB']);
    expect([...(screen.getByLabelText('Cluster or host') as HTMLSelectElement).options].map((o) => o.textContent)).toContain('cluster1 (cluster, 2 hosts)');
    expect([...(screen.getByLabelText('VM folder') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'vm', 'restored']);
    expect([...(screen.getByLabelText('ESXi host') as HTMLSelectElement).options].find((o) => o.value === 'esx2')?.textContent).toBe('esx2 (the host is in maintenance mode)');
    // An empty choice reads as a choice, never as a value: "The host's own pool", not a pool name in grey.
    expect((screen.getByLabelText('Resource pool') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe("The host's own pool");
    expect(fake.calls).toContain('inventory.restoreTargets');
  });

  it('says so when the inventory cannot be read, and keeps the rest of the form usable', async () => {
    const fake = fakeBridge({ 'jobs.list': { ok: true, value: [] }, 'connections.list': { ok: true, value: [lab] } });
    bootstrap(fake.bridge, window);
    render(<TargetStep />);
    await waitFor(() => expect(fake.calls).toContain('inventory.restoreTargets'));
    expect((await screen.findByRole('alert')).textContent).toContain("Could not load the target's inventory");
    expect((screen.getByLabelText('Transport') as HTMLSelectElement).disabled).toBe(false);
  });
});

describe('one-click fixes from the planner remedies', () => {
  const finding = (rule: string, remedy: string): PlanFinding => ({ rule, severity: 'block', message: 'm', remedy });

  it('turns only remedies that name a concrete value into buttons', () => {
    const san = remedyActions(finding('XPORT-SAN-NEEDS-PHYSICAL', 'Run on a physical machine. Transports that would work: nbdssl, nbd (or choose auto).'), { ...initialChoices, transport: 'san' });
    expect(san.map((a) => a.label)).toEqual(['Choose auto', 'Use NBDSSL', 'Use NBD']);
    expect(san[0]!.patch).toEqual({ transport: 'auto' });
    const hw = remedyActions(finding('DATA-HW-VERSION', 'Lower the hardware version to vmx-19 (--hardware-version vmx-19; ...), or restore to a newer host.'), initialChoices);
    expect(hw).toEqual([{ label: 'Use hardware version vmx-19', patch: { hardwareVersion: 'vmx-19' } }]);
    const policy = remedyActions(finding('CRYPT-POLICY-MISSING', 'Choose one of: VM Encryption Policy, Gold (--storage-policy).'), initialChoices);
    expect(policy.map((a) => a.patch)).toEqual([{ storagePolicy: 'VM Encryption Policy' }, { storagePolicy: 'Gold' }]);
    const name = remedyActions(finding('DATA-VM-NAME-TAKEN', 'Choose another name (--name), for example "web01-2", or remove or rename the existing VM first.'), initialChoices);
    expect(name).toEqual([{ label: 'Name it web01-2', patch: { name: 'web01-2' } }]);
    const net = remedyActions(finding('DATA-NETWORK-MAP', 'Map "VM Network" to one of: prod, test.'), initialChoices);
    expect(net.map((a) => a.patch)).toEqual([{ networkMap: { 'VM Network': 'prod' } }, { networkMap: { 'VM Network': 'test' } }]);
    expect(remedyActions(finding('CRYPT-KEYS-MISSING', 'Add the key provider.'), initialChoices)).toEqual([]);
    // A choice already in force is not offered again.
    expect(remedyActions(finding('XPORT-SAN-THIN-SLOW', 'Choose auto or nbdssl for thin disks.'), initialChoices)).toEqual([]);
  });
});
