import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, JobSnapshot, LifeboatBridge, OpenedRepository, RestorePlanView } from '../../electron/api/contract';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useRepositoriesStore } from '../../renderer/src/stores/repositories-store';
import { useRestoreWizardStore } from '../../renderer/src/stores/restore-wizard-store';
import { fakeBridge } from './fake-bridge';

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
  return { ...fake, bridge, inputs };
}

function baseAnswers(plan: RestorePlanView): Record<string, CallResult> {
  return {
    'jobs.list': { ok: true, value: [] },
    'connections.list': { ok: true, value: [{ name: 'vc01', url: 'https://vc01/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: null }] },
    'repositories.open': { ok: true, value: repo },
    'restore.plan': { ok: true, value: plan },
    'restore.start': { ok: true, value: { jobId: 'restore-1' } },
    'jobs.cancel': { ok: true, value: { cancelled: true } },
  };
}

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label, { exact: false }), { target: { value } });

async function walkToPlan(plan: RestorePlanView) {
  const fake = recordingBridge(baseAnswers(plan));
  bootstrap(fake.bridge, window);
  render(<AppFrame />);
  fill('Repository folder', '/backups/lifeboat');
  fill('Repository password', 's3cret');
  fireEvent.click(screen.getByLabelText('Remember in keychain'));
  fireEvent.click(screen.getByRole('button', { name: 'Open repository' }));
  const next = screen.getByRole('button', { name: 'Next: target' });
  expect((next as HTMLButtonElement).disabled).toBe(true);
  fireEvent.click(await screen.findByRole('radio', { name: /Restore point of sql01/ }));
  fireEvent.click(next);
  await waitFor(() => expect((screen.getByLabelText('Connection') as HTMLSelectElement).value).toBe('vc01'));
  fill('Datastore', 'ds1');
  fireEvent.change(screen.getByLabelText('Transport'), { target: { value: 'nbdssl' } });
  fireEvent.click(screen.getByRole('button', { name: 'Plan the restore' }));
  await screen.findByRole('heading', { name: 'Plan for sql01' });
  return fake;
}

beforeEach(() => {
  useJobsStore.setState({ jobs: {} });
  useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
  useRepositoriesStore.setState({ opened: {}, busy: false, problem: null });
  useRestoreWizardStore.getState().reset();
  window.location.hash = '#/restore';
});

describe('Restore wizard', () => {
  it('walks point → target → plan, shows the known pitfalls by rule ID, asks for the encryption fallback, runs and mirrors progress', async () => {
    const fake = await walkToPlan(warnPlan);
    expect(fake.inputs['repositories.open']).toEqual({ path: '/backups/lifeboat', password: 's3cret', remember: true });
    expect(fake.inputs['restore.plan']).toEqual({ repositoryId: 'r1', point: 'p0123456789abcdef', connection: 'vc01', datastore: 'ds1', transport: 'nbdssl', encryption: 'keep', encryptionChosen: false, verify: true });
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

  it('shows a blocked plan with its rule and never starts it', async () => {
    const fake = await walkToPlan(blockedPlan);
    expect(screen.getByRole('alert').textContent).toContain('blocked');
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
