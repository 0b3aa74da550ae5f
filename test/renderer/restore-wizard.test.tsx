import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, JobSnapshot, LifeboatBridge, OpenedRepository, PointDetails, RestorePlanView } from '../../electron/api/contract';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useRepositoriesStore } from '../../renderer/src/stores/repositories-store';
import { useRestoreWizardStore } from '../../renderer/src/stores/restore-wizard-store';
import { fakeBridge } from './fake-bridge';
import { targets } from './restore-targets-fixture';

const repo: OpenedRepository = {
  id: 'r1',
  path: '/backups/lifeboat',
  points: [{ id: 'p0123456789abcdef', vm: 'sql01', kind: 'full', createdAt: '2026-11-20T10:00:00Z', disks: 2, allocatedBytes: 3 * 1024 ** 3 }],
};

const disk = (key: number, label: string): RestorePlanView['disks'][number] => ({
  key, label, transport: 'nbdssl', excluded: { san: ['XPORT-SAN-THIN-SLOW'], hotadd: ['XPORT-HOTADD-NOT-VM'] }, chosenBy: 'auto',
  why: 'NBDSSL: the workstation is not a VM and SAN is slow for thin disks.', restoredProvisioning: 'thin', bytesToWrite: 1024 ** 3, firstWriteAllocates: true,
});

const warnPlan: RestorePlanView = {
  ok: true,
  vm: 'sql01',
  vmName: 'sql01-restored',
  verify: true,
  powerOn: false,
  encryption: 'keep',
  storagePolicy: null,
  hardwareVersion: null,
  networks: [],
  restoreKind: 'full-vm',
  transportOption: 'auto',
  disks: [disk(2000, 'Hard disk 1'), disk(2001, 'Hard disk 2')],
  findings: [
    { rule: 'XPORT-SAN-THIN-SLOW', severity: 'info', disk: 2000, message: 'Thin disks over SAN are slow.', remedy: 'Use NBDSSL or HotAdd.', transport: 'san' },
    { rule: 'CRYPT-KMS-MISMATCH', severity: 'warn', message: 'The target has no key provider named "kms1".', remedy: 'Add the key provider, or restore with new keys.' },
    { rule: 'VTPM-NVRAM-MISSING', severity: 'warn', message: 'No NVRAM saved.', remedy: 'Expect a new vTPM.' },
    { rule: 'DATA-INDEPENDENT-DISK', severity: 'warn', message: 'Hard disk 3 is independent and was not backed up.', remedy: 'Restore it from another source.' },
    { rule: 'DATA-SOMETHING-ELSE', severity: 'warn', message: 'Another warning.', remedy: 'Nothing.' },
  ],
  steps: [
    { rule: 'STEP-PREPARE-ACCESS', order: 1, phase: 'prepare-access', description: 'PrepareForAccess before writing.' },
    { rule: 'STEP-WINDOWS-SIGNATURE', order: 2, phase: 'signature-check', description: 'Check the Windows disk signature after writing.', disk: 2000 },
  ],
  rulesApplied: ['CRYPT-KMS-MISMATCH', 'XPORT-SAN-THIN-SLOW'],
};

const blockedPlan: RestorePlanView = {
  ...warnPlan,
  ok: false,
  disks: [{ ...disk(2000, 'Hard disk 1'), transport: null }],
  findings: [{ rule: 'XPORT-SAN-NO-ENCRYPTED', severity: 'block', message: 'Encrypted disks cannot be written over SAN.', remedy: 'Choose NBDSSL or HotAdd.', transport: 'san' }],
};

const pointDetails: PointDetails = {
  id: 'p0123456789abcdef', vm: 'sql01', createdAt: '2026-11-20T10:00:00Z', firmware: 'efi', vtpm: true, encrypted: true, cbt: true,
  disks: [
    { key: 2000, label: 'Hard disk 1', capacityBytes: 4 * 1024 ** 3, allocatedBytes: 1024 ** 3, provisioning: 'thin' },
    { key: 2001, label: 'Hard disk 2', capacityBytes: 8 * 1024 ** 3, allocatedBytes: 2 * 1024 ** 3, provisioning: 'thin' },
  ],
};

function snapshot(patch: Partial<JobSnapshot>): JobSnapshot {
  return {
    id: 'restore-1', kind: 'restore', title: 'Restore sql01 as sql01-restored (vc01, ds1)', phase: 'running', step: 'Write the allocated extents of every disk',
    bytesDone: 0, bytesTotal: 2 * 1024 ** 3, bytesPerSecond: 0, etaSeconds: null, startedAt: '2026-11-25T05:00:00Z', finishedAt: null, error: null, findings: [],
    ...patch,
  };
}

/** The fake bridge, plus the last input each method got (to check what the wizard sent). */
function recordingBridge(answers: Record<string, CallResult>) {
  const fake = fakeBridge(answers);
  const inputs: Record<string, unknown> = {};
  const bridge = new Proxy({}, {
    get: (_t, domain: string) => new Proxy({}, {
      get: (_m, method: string) => {
        const fn = (fake.bridge as unknown as Record<string, Record<string, (i?: unknown) => unknown>>)[domain]![method]!;
        if (method.startsWith('on')) return fn;
        return (input?: unknown) => {
          inputs[`${domain}.${method}`] = input;
          return fn(input);
        };
      },
    }),
  }) as LifeboatBridge;
  return { ...fake, bridge, inputs, answers };
}

/** The answer table behind a recording bridge (tests change answers between calls). */
function baseAnswersFor(fake: { answers: Record<string, CallResult> }): Record<string, CallResult> {
  return fake.answers;
}

function baseAnswers(plan: RestorePlanView): Record<string, CallResult> {
  return {
    'jobs.list': { ok: true, value: [] },
    'connections.list': { ok: true, value: [{ name: 'vc01', url: 'https://vc01/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: null }] },
    'repositories.open': { ok: true, value: repo },
    'restore.plan': { ok: true, value: plan },
    'restore.start': { ok: true, value: { jobId: 'restore-1' } },
    'jobs.cancel': { ok: true, value: { cancelled: true } },
    'jobs.history': { ok: true, value: [] },
    'repositories.pointDetails': { ok: true, value: pointDetails },
    'inventory.restoreTargets': { ok: true, value: targets },
    'inventory.vmNameInUse': { ok: true, value: { name: 'sql01-restored', inUse: false } },
  };
}

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });

async function walkToTarget(plan: RestorePlanView, overrides: Record<string, CallResult> = {}) {
  const fake = recordingBridge({ ...baseAnswers(plan), ...overrides });
  bootstrap(fake.bridge, window);
  render(<AppFrame />);
  fill('Repository folder', '/backups/lifeboat');
  fill('Repository password', 's3cret');
  fireEvent.click(screen.getByLabelText('Remember in keychain'));
  fireEvent.click(screen.getByRole('button', { name: 'Open repository' }));
  const next = screen.getByRole('button', { name: 'Next: restore mode' });
  expect((next as HTMLButtonElement).disabled).toBe(true);
  fireEvent.click(await screen.findByRole('radio', { name: /Restore point of sql01/ }));
  fireEvent.click(next);
  fireEvent.click(screen.getByRole('button', { name: 'Next: target' }));
  await waitFor(() => expect((screen.getByLabelText('Connection') as HTMLSelectElement).value).toBe('vc01'));
  await screen.findByLabelText('Datastore', { exact: true });
  return fake;
}

async function walkToPlan(plan: RestorePlanView) {
  const fake = await walkToTarget(plan);
  fireEvent.change(screen.getByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
  fireEvent.change(screen.getByLabelText('Transport'), { target: { value: 'nbdssl' } });
  await waitFor(() => expect(fake.calls).toContain('restore.plan'));
  fireEvent.click(screen.getByRole('button', { name: 'Next: review the plan' }));
  await screen.findByRole('heading', { name: 'Plan for sql01' });
  return fake;
}

beforeEach(() => {
  useJobsStore.setState({ jobs: {}, rates: {} });
  useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
  useRepositoriesStore.setState({ opened: {}, busy: false, problem: null });
  useRestoreWizardStore.getState().reset();
  window.location.hash = '#/restore';
});

describe('Restore wizard', () => {
  it('walks point → target → plan, shows the known pitfalls by rule ID, asks for the encryption fallback, runs and mirrors progress', async () => {
    const fake = await walkToPlan(warnPlan);
    expect(fake.inputs['repositories.open']).toEqual({ path: '/backups/lifeboat', password: 's3cret', remember: true });
    expect(fake.inputs['restore.plan']).toEqual({
      repositoryId: 'r1', point: 'p0123456789abcdef', connection: 'vc01', datastore: 'ds1', transport: 'nbdssl', kind: 'full-vm',
      encryption: 'keep', encryptionChosen: false, verify: true, powerOn: false,
    });
    fireEvent.click(screen.getByText(/^Transports and steps/));
    expect(screen.getByTestId('plan-disk-2000').textContent).toContain('NBDSSL');
    expect(screen.getByTestId('plan-disk-2000').textContent).toContain('SAN is slow for thin disks');
    const spotlight = screen.getByRole('note', { name: 'Read before you restore' });
    for (const rule of ['XPORT-SAN-THIN-SLOW', 'CRYPT-KMS-MISMATCH', 'VTPM-NVRAM-MISSING', 'DATA-INDEPENDENT-DISK', 'STEP-WINDOWS-SIGNATURE']) {
      expect(spotlight.textContent).toContain(rule);
    }
    expect(spotlight.textContent).not.toContain('DATA-SOMETHING-ELSE');
    const warnings = screen.getByRole('region', { name: 'Warnings (4)' });
    expect(within(warnings).getByTestId('finding-CRYPT-KMS-MISMATCH').textContent).toContain('What to do: Add the key provider');
    expect(within(warnings).getByTestId('finding-CRYPT-KMS-MISMATCH').className).toContain('finding-spotlight');
    expect(within(warnings).getByTestId('finding-DATA-SOMETHING-ELSE').className).not.toContain('finding-spotlight');
    expect(within(screen.getByRole('region', { name: 'Information (1)' })).getByTestId('finding-XPORT-SAN-THIN-SLOW').textContent).toContain('Hard disk 1');

    // CRYPT-KMS-MISMATCH fired: no fallback is chosen for the user.
    const start = screen.getByRole('button', { name: 'Start restore' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: /Encrypt with new keys/ }));
    // The plan is the contract: the choice is planned again before it can start.
    await waitFor(() => expect(fake.inputs['restore.plan']).toMatchObject({ encryption: 'new-keys', encryptionChosen: true }), { timeout: 5000 });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Start restore' }) as HTMLButtonElement).disabled).toBe(false), { timeout: 5000 });
    fireEvent.click(screen.getByRole('button', { name: 'Start restore' }));
    expect(await screen.findByText('Starting job restore-1…')).toBeTruthy();
    expect(fake.inputs['restore.start']).toMatchObject({ encryption: 'new-keys', verify: true, datastore: 'ds1' });

    act(() => fake.emit('jobs.onProgress', snapshot({ bytesDone: 1024 ** 3, bytesPerSecond: 50 * 1024 ** 2, etaSeconds: 20 })));
    expect(await screen.findByTestId('job-bytes')).toHaveProperty('textContent', '1.0 GiB of 2.0 GiB');
    expect(screen.getByTestId('job-rate').textContent).toBe('50.0 MiB/s');
    expect(screen.getByTestId('job-eta').textContent).toBe('20 s');
    expect(screen.getByTestId('job-step').textContent).toBe('Write the allocated extents of every disk');
    expect((screen.getByRole('progressbar', { name: 'Restore progress' }) as HTMLProgressElement).value).toBe(1024 ** 3);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(fake.calls).toContain('jobs.cancel'));
    expect(fake.inputs['jobs.cancel']).toEqual({ jobId: 'restore-1' });

    act(() =>
      fake.emit('jobs.onProgress', snapshot({ phase: 'succeeded', step: null, bytesDone: 2 * 1024 ** 3, outcome: 'sql01 → sql01-restored: succeeded in 40.0 s', reportPath: '/home/u/.lifeboat/jobs/restore-1-report.html' })),
    );
    const outcome = await screen.findByTestId('job-outcome');
    expect(outcome.textContent).toContain('Restore succeeded');
    expect(screen.getByTestId('job-report').textContent).toBe('/home/u/.lifeboat/jobs/restore-1-report.html');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('a point imported from an image: the plan step offers firmware, guest OS and controller instead of the defaults, and plans again with them (DATA-NO-CONFIGINFO)', async () => {
    const importedPlan: RestorePlanView = {
      ...warnPlan,
      importedVm: { firmware: 'bios', guestId: 'otherGuest64', controller: 'pvscsi', chosen: [] },
      findings: [{ rule: 'DATA-NO-CONFIGINFO', severity: 'warn', message: 'Built from defaults: firmware bios, guest OS otherGuest64, pvscsi controller, no network card.', remedy: 'Choose others.' }],
    };
    const fake = await walkToPlan(importedPlan);
    const group = screen.getByRole('group', { name: 'VM built from defaults' });
    expect((within(group).getByLabelText('Firmware') as HTMLSelectElement).options[0]!.textContent).toBe('Default (bios)');
    expect((within(group).getByLabelText('Guest OS') as HTMLInputElement).placeholder).toBe('otherGuest64');
    fireEvent.change(within(group).getByLabelText('Firmware'), { target: { value: 'efi' } });
    fireEvent.change(within(group).getByLabelText('Guest OS'), { target: { value: 'ubuntu64Guest' } });
    fireEvent.change(within(group).getByLabelText('Disk controller'), { target: { value: 'lsilogic' } });
    await waitFor(() => expect(fake.inputs['restore.plan']).toMatchObject({ importedVm: { firmware: 'efi', guestId: 'ubuntu64Guest', controller: 'lsilogic' } }));
  });

  it('a point with a saved configuration shows no defaults to choose', async () => {
    await walkToPlan(warnPlan);
    expect(screen.queryByRole('group', { name: 'VM built from defaults' })).toBeNull();
  });

  it('shows a blocked plan with its rule and never starts it', async () => {
    const fake = await walkToPlan(blockedPlan);
    expect(screen.getByTestId('plan-verdict').textContent).toMatch(/^BLOCKED/);
    expect(screen.getByTestId('plan-verdict').textContent).toContain('Encrypted disks cannot be written over SAN.');
    expect(within(screen.getByRole('region', { name: 'Blocking (1)' })).getByTestId('finding-XPORT-SAN-NO-ENCRYPTED').textContent).toContain('Choose NBDSSL or HotAdd.');
    const start = screen.getByRole('button', { name: 'Start restore' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(start);
    expect(fake.calls).not.toContain('restore.start');
    expect(screen.queryByRole('radio', { name: /new keys/ })).toBeNull();
  });

  it('shows a wrong repository password as the engine words it', async () => {
    const answers = baseAnswers(warnPlan);
    answers['repositories.open'] = { ok: false, error: { message: 'the repository password is wrong', code: 'wrong-password', hint: 'Check the password and try again.' } };
    bootstrap(recordingBridge(answers).bridge, window);
    render(<AppFrame />);
    fill('Repository folder', '/backups/lifeboat');
    fill('Repository password', 'nope');
    fireEvent.click(screen.getByRole('button', { name: 'Open repository' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the repository password is wrong');
    expect(alert.textContent).toContain('Check the password');
    expect((screen.getByLabelText('Repository password', { exact: false }) as HTMLInputElement).value).toBe('');
  });

  it('lists the points of an opened repository on the Repositories page', async () => {
    bootstrap(recordingBridge(baseAnswers(warnPlan)).bridge, window);
    window.location.hash = '#/repositories';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    render(<AppFrame />);
    fill('Repository folder', '/backups/lifeboat');
    fireEvent.click(screen.getByRole('button', { name: 'Open repository' }));
    const table = await screen.findByRole('table', { name: 'Restore points in /backups/lifeboat' });
    expect(within(table).getByTestId('point-p0123456789abcdef').textContent).toContain('sql01');
    expect(within(table).getByTestId('point-p0123456789abcdef').textContent).toContain('3.0 GiB');
  });
});

const sanBlocked: RestorePlanView = {
  ...warnPlan,
  ok: false,
  transportOption: 'san',
  findings: [
    {
      rule: 'XPORT-SAN-NEEDS-PHYSICAL', severity: 'block', message: 'The workstation is a VM: SAN needs a physical workstation. The requested transport san cannot be used.',
      // The remedy's words are for people; the buttons come from the structured fix only.
      remedy: 'Run Lifeboat on a physical machine with SAN access, or use another transport.', transport: 'san',
      fix: [{ option: 'transport', value: 'auto' }, { option: 'transport', value: 'nbdssl' }, { option: 'transport', value: 'nbd' }],
    },
  ],
};

const mappedPlan: RestorePlanView = {
  ...warnPlan,
  findings: [],
  powerOn: true,
  networks: [{ source: 'VM Network', target: 'VM Network', how: 'same-name' }],
};

describe('Restore wizard: live re-planning, one-click fixes, the run page and Jobs', () => {
  it('plans again after every change (debounced) and updates the plan in place: network mapping, disk format, power on', async () => {
    const fake = await walkToTarget(mappedPlan);
    // The pickers come from the live inventory; a host in maintenance mode cannot be chosen.
    const host = screen.getByLabelText('ESXi host') as HTMLSelectElement;
    expect([...host.options].find((o) => o.value === 'esx2')?.disabled).toBe(true);
    expect([...(screen.getByLabelText('Datastore', { exact: true }) as HTMLSelectElement).options].map((o) => o.textContent)).toContain(
      'ds1 (VMFS): 509.0 GiB free after the restore of 1.0 TiB',
    );
    fireEvent.change(screen.getByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
    fireEvent.change(screen.getByLabelText('ESXi host'), { target: { value: 'esx1' } });
    await screen.findByLabelText('Network for NICs on VM Network');
    const plansBefore = fake.calls.filter((c) => c === 'restore.plan').length;
    fireEvent.change(screen.getByLabelText('Network for NICs on VM Network'), { target: { value: 'prod-vlan20' } });
    fireEvent.change(screen.getByLabelText('Format of Hard disk 1'), { target: { value: 'thick-eager' } });
    fireEvent.click(screen.getByLabelText('Power the VM on after the restore'));
    await waitFor(() => expect(fake.inputs['restore.plan']).toMatchObject({ powerOn: true, networkMap: { 'VM Network': 'prod-vlan20' }, diskProvisioning: { '2000': 'thick-eager' }, host: 'esx1' }));
    // Three quick changes, one new plan: the debounce waited for the last.
    expect(fake.calls.filter((c) => c === 'restore.plan').length).toBe(plansBefore + 1);
    // The plan status was never replaced by a loading message.
    expect(screen.getByTestId('plan-status').textContent).toMatch(/^OK: 2 disks/);
  });

  it('puts a disk of the new VM on another datastore the host mounts (a datastore per disk) and plans with it; back with the VM sends nothing', async () => {
    const twoStores = {
      ...targets,
      hosts: targets.hosts.map((h) => (h.name === 'esx1' ? { ...h, datastores: ['ds1', 'nfs1'] } : h)),
      datastores: [...targets.datastores, { name: 'nfs1', type: 'NFS', capacityBytes: 2 ** 40, freeBytes: 2 ** 39, accessible: true }],
    };
    const fake = await walkToTarget(mappedPlan, { 'inventory.restoreTargets': { ok: true, value: twoStores } });
    fireEvent.change(screen.getByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
    fireEvent.change(screen.getByLabelText('ESXi host'), { target: { value: 'esx1' } });
    const placement = await screen.findByLabelText('Datastore of Hard disk 2');
    expect([...(placement as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'ds1', 'nfs1']);
    fireEvent.change(placement, { target: { value: 'nfs1' } });
    await waitFor(() => expect(fake.inputs['restore.plan']).toMatchObject({ datastore: 'ds1', diskDatastores: { '2001': 'nfs1' } }));
    // Back with the VM: nothing is sent, every disk goes to the VM's datastore.
    fireEvent.change(placement, { target: { value: '' } });
    await waitFor(() => expect(fake.inputs['restore.plan']).not.toHaveProperty('diskDatastores'));
  });

  it('fixes a blocked SAN plan with one click on "Choose auto" and plans it again', async () => {
    const fake = await walkToTarget(sanBlocked);
    fireEvent.change(screen.getByLabelText('Datastore', { exact: true }), { target: { value: 'ds1' } });
    fireEvent.change(screen.getByLabelText('Transport'), { target: { value: 'san' } });
    await waitFor(() => expect(screen.getByTestId('plan-status').textContent).toMatch(/^BLOCKED by XPORT-SAN-NEEDS-PHYSICAL/));
    fireEvent.click(screen.getByRole('button', { name: 'Next: review the plan' }));
    await screen.findByRole('heading', { name: 'Plan for sql01' });
    expect(screen.getByTestId('plan-verdict').textContent).toMatch(/^BLOCKED/);
    expect(screen.getByRole('button', { name: 'Use NBDSSL' })).toBeTruthy();
    fake.inputs['restore.plan'] = undefined;
    (baseAnswersFor(fake) as Record<string, CallResult>)['restore.plan'] = { ok: true, value: warnPlan };
    fireEvent.click(screen.getByRole('button', { name: 'Choose auto' }));
    await waitFor(() => expect(fake.inputs['restore.plan']).toMatchObject({ transport: 'auto' }));
    await waitFor(() => expect(screen.getByTestId('plan-verdict').textContent).toMatch(/^OK/));
  });

  it('shows per-disk bars, the sparkline and the checklist; Power on and the report at the end', async () => {
    const fake = await walkToPlan({ ...warnPlan, findings: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Start restore' }));
    await screen.findByText('Starting job restore-1…');
    const disks = [
      { key: 2000, label: 'Hard disk 1', state: 'writing', bytesDone: 512 * 1024 ** 2, bytesTotal: 1024 ** 3, bytesPerSecond: 40 * 1024 ** 2, etaSeconds: 13 },
      { key: 2001, label: 'Hard disk 2', state: 'waiting', bytesDone: 0, bytesTotal: 1024 ** 3, bytesPerSecond: 0, etaSeconds: null },
    ];
    const checklist = [
      { rule: 'STEP-CONFIG-FROM-CONFIGINFO', phase: 'create-vm', title: 'Create the VM from the saved ConfigInfo', status: 'done' as const },
      { rule: 'XPORT-ALIGNED-BUFFERS', phase: 'write-disks', title: 'Write the allocated extents of every disk', status: 'running' as const },
      { rule: 'STEP-POWER-ON', phase: 'power-on', title: 'Power the VM on', status: 'skipped' as const },
    ];
    act(() => fake.emit('jobs.onProgress', snapshot({ bytesDone: 256 * 1024 ** 2, bytesPerSecond: 30 * 1024 ** 2, disks, checklist })));
    act(() => fake.emit('jobs.onProgress', snapshot({ bytesDone: 512 * 1024 ** 2, bytesPerSecond: 40 * 1024 ** 2, disks, checklist, connection: 'vc01' })));
    expect((screen.getByRole('progressbar', { name: 'Hard disk 1 progress' }) as HTMLProgressElement).value).toBe(512 * 1024 ** 2);
    expect(screen.getByTestId('disk-progress-2000').textContent).toContain('13 s left');
    expect(screen.getByTestId('rate-sparkline').getAttribute('aria-label')).toBe('Throughput, peak 40.0 MiB/s');
    expect(screen.getByTestId('job-checklist').textContent).toContain('[done] Create the VM');
    expect(screen.getByTestId('job-checklist').textContent).toContain('[running] Write the allocated extents');
    expect(screen.getByTestId('job-checklist').textContent).toContain('[skipped] Power the VM on');

    const answers = baseAnswersFor(fake) as Record<string, CallResult>;
    answers['vms.powerOn'] = { ok: true, value: { poweredOn: true } };
    answers['jobs.report'] = {
      ok: true,
      value: {
        jobId: 'restore-1', vm: 'sql01', target: 'vc01 ds1', outcome: 'succeeded', restoredVm: 'sql01-restored', reason: 'ticket 42', startedAt: '2026-11-25T05:00:00Z',
        finishedAt: '2026-11-25T05:01:00Z', durationSeconds: 60, steps: [], disks: [], findings: [], errors: [], htmlPath: '/home/u/.lifeboat/jobs/restore-1-report.html',
      },
    };
    act(() =>
      fake.emit('jobs.onProgress', snapshot({ phase: 'succeeded', step: null, restoredVm: 'sql01-restored', connection: 'vc01', reportPath: '/home/u/.lifeboat/jobs/restore-1-report.html' })),
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Power on sql01-restored' }));
    expect(await screen.findByTestId('power-status')).toHaveProperty('textContent', 'sql01-restored is powered on.');
    expect(fake.inputs['vms.powerOn']).toEqual({ connection: 'vc01', name: 'sql01-restored' });
    fireEvent.click(screen.getByRole('button', { name: 'Open the report' }));
    expect((await screen.findByTestId('report-view')).textContent).toContain('Reason: ticket 42');
  });

  it('offers Resume (same job, from its checkpoint) and Retry (a new job) when a restore failed', async () => {
    const fake = await walkToPlan({ ...warnPlan, findings: [] });
    fireEvent.click(screen.getByRole('button', { name: 'Start restore' }));
    await screen.findByText('Starting job restore-1…');
    fake.answers['restore.resume'] = { ok: true, value: { jobId: 'restore-1' } };
    act(() => fake.emit('jobs.onProgress', snapshot({ phase: 'failed', step: null, error: 'NFC connection lost', connection: 'vc01' })));
    expect((await screen.findByTestId('job-outcome')).getAttribute('role')).toBe('alert');
    expect(screen.queryByRole('button', { name: /^Power on/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume this job' }));
    await waitFor(() => expect(fake.inputs['restore.resume']).toEqual({ jobId: 'restore-1' }));
    fireEvent.click(screen.getByRole('button', { name: 'Retry as a new job' }));
    await waitFor(() => expect(fake.calls.filter((c) => c === 'restore.start')).toHaveLength(2));
  });

  it('lists every job on disk on the Jobs page and filters them', async () => {
    const answers = baseAnswers(warnPlan);
    const row = (jobId: string, vm: string, outcome: 'succeeded' | 'interrupted') => ({
      jobId, kind: 'full-vm', vm, restoredVm: `${vm}-restored`, target: 'vc01', outcome, startedAt: '2026-11-25T05:00:00Z', finishedAt: null, durationSeconds: null, reason: null,
      reportPath: outcome === 'succeeded' ? `/h/jobs/${jobId}-report.html` : null,
    });
    answers['jobs.history'] = { ok: true, value: [row('restore-a', 'sql01', 'succeeded'), row('restore-b', 'web01', 'interrupted')] };
    answers['restore.resume'] = { ok: false, error: { message: 'the repository /r is not open in this session', code: 'repository-not-open', hint: 'Open it on the Repositories page first.' } };
    const fake = recordingBridge(answers);
    bootstrap(fake.bridge, window);
    window.location.hash = '#/jobs';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    render(<AppFrame />);
    await waitFor(() => expect(screen.getByTestId('history-count').textContent).toBe('2 of 2 jobs'));
    expect(screen.getByRole('button', { name: 'Resume restore-b' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resume restore-a' })).toBeNull();
    // Resuming needs the job's repository open: the engine says so, and the page shows it as an alert with what to do.
    fireEvent.click(screen.getByRole('button', { name: 'Resume restore-b' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not resume restore-b: the repository /r is not open in this session Open it on the Repositories page first.');
    expect(fake.inputs['restore.resume']).toEqual({ jobId: 'restore-b' });
    fireEvent.change(screen.getByLabelText('Filter by VM, job or target'), { target: { value: 'web' } });
    expect(screen.getByTestId('history-count').textContent).toBe('1 of 2 jobs');
    fireEvent.change(screen.getByLabelText('Filter by VM, job or target'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'succeeded' } });
    expect(screen.getByTestId('history-count').textContent).toBe('1 of 2 jobs');
    expect(screen.getByRole('button', { name: 'Open report of restore-a' })).toBeTruthy();
  });
});
