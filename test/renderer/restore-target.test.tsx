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

describe('one-click fixes from the planner findings', () => {
  const finding = (rule: string, fix?: PlanFinding['fix'], remedy = 'See the rule.'): PlanFinding => ({ rule, severity: 'block', message: 'm', remedy, ...(fix ? { fix } : {}) });

  it("turns each finding's structured fix into a button that sets that option", () => {
    const san = remedyActions(finding('XPORT-SAN-NEEDS-PHYSICAL', [{ option: 'transport', value: 'auto' }, { option: 'transport', value: 'nbdssl' }, { option: 'transport', value: 'nbd' }]), { ...initialChoices, transport: 'san' });
    expect(san.map((a) => a.label)).toEqual(['Choose auto', 'Use NBDSSL', 'Use NBD']);
    expect(san[0]!.patch).toEqual({ transport: 'auto' });
    const hw = remedyActions(finding('DATA-HW-VERSION', [{ option: 'hardwareVersion', value: 'vmx-19' }]), initialChoices);
    expect(hw).toEqual([{ label: 'Use hardware version vmx-19', patch: { hardwareVersion: 'vmx-19' } }]);
    const policy = remedyActions(finding('CRYPT-POLICY-MISSING', [{ option: 'storagePolicy', value: 'VM Encryption Policy' }, { option: 'storagePolicy', value: 'Gold' }]), initialChoices);
    expect(policy.map((a) => a.patch)).toEqual([{ storagePolicy: 'VM Encryption Policy' }, { storagePolicy: 'Gold' }]);
    const name = remedyActions(finding('DATA-VM-NAME-TAKEN', [{ option: 'name', value: 'web01-2' }]), initialChoices);
    expect(name).toEqual([{ label: 'Name it web01-2', patch: { name: 'web01-2' } }]);
    const net = remedyActions(finding('DATA-NETWORK-MAP', [{ option: 'networkMap', source: 'VM Network', value: 'prod' }, { option: 'networkMap', source: 'VM Network', value: 'test' }]), { ...initialChoices, networkMap: { Other: 'x' } });
    expect(net.map((a) => a.patch)).toEqual([{ networkMap: { Other: 'x', 'VM Network': 'prod' } }, { networkMap: { Other: 'x', 'VM Network': 'test' } }]);
    const crypt = remedyActions(finding('CRYPT-KMS-MISMATCH', [{ option: 'encryption', value: 'new-keys' }, { option: 'encryption', value: 'unencrypted' }]), initialChoices);
    expect(crypt).toEqual([
      { label: 'Use new keys', patch: {}, encryption: 'new-keys' },
      { label: 'Choose unencrypted', patch: {}, encryption: 'unencrypted' },
    ]);
    // A choice already in force is not offered again.
    expect(remedyActions(finding('XPORT-SAN-THIN-SLOW', [{ option: 'transport', value: 'auto' }]), initialChoices)).toEqual([]);
  });

  it("never reads the remedy's words: a remedy that names a value but carries no fix gives no button", () => {
    expect(remedyActions(finding('XPORT-SAN-NEEDS-PHYSICAL', undefined, 'Transports that would work: nbdssl, nbd (or choose auto).'), { ...initialChoices, transport: 'san' })).toEqual([]);
    expect(remedyActions(finding('DATA-HW-VERSION', undefined, 'Lower the hardware version to vmx-19 (--hardware-version vmx-19).'), initialChoices)).toEqual([]);
  });
});
