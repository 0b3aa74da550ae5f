import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BackupPlanView, CallResult, JobReportView, JobSnapshot, LifeboatBridge, OpenedRepository, VmRow } from '../../electron/api/contract';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { useBackupWizardStore } from '../../renderer/src/backup/backup-wizard-store';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useConnectionsStore } from '../../renderer/src/stores/connections-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useNavigationStore } from '../../renderer/src/stores/navigation-store';
import { useRepositoriesStore } from '../../renderer/src/stores/repositories-store';
import { fakeBridge } from './fake-bridge';

const repo: OpenedRepository = { id: 'r1', path: '/backups/lifeboat', points: [] };
const vm = (name: string): VmRow => ({ moref: `vm-${name}`, name, powerState: 'poweredOn', guestFamily: 'linux', firmware: 'bios', diskCount: 2, encrypted: false, hasVtpm: false, template: false });

const plan = (kind: 'full' | 'incremental', findings: BackupPlanView['findings'] = []): BackupPlanView => ({
  vm: 'app01',
  server: 'vc01',
  kind,
  parentPointId: kind === 'incremental' ? 'aaaaaaaaaaaa1111' : null,
  disks: [
    {
      key: 2000,
      label: 'Hard disk 1',
      capacityBytes: 4 * 1024 ** 3,
      read: kind === 'full' ? 'allocated' : 'changed',
      why: kind === 'full' ? 'BACKUP-ALLOCATED-FIRST: the repository has no earlier restore point of this VM' : 'changed areas since the restore point aaaaaaaaaaaa1111 (change id 52 aa/7) that are still allocated',
      bytesToReadAtMost: 4 * 1024 ** 3,
    },
    { key: 2001, label: 'Hard disk 2', capacityBytes: 1024 ** 3, read: 'skip', why: 'BACKUP-SKIP-INDEPENDENT: independent_persistent disks cannot be snapshotted', bytesToReadAtMost: 0 },
  ],
  bytesToReadAtMost: 4 * 1024 ** 3,
  snapshot: { quiesce: false, memory: false, description: 'A snapshot without memory is taken and removed.' },
  findings,
  steps: [],
  rulesApplied: ['BACKUP-ALLOCATED-FIRST'],
});

const snapshot = (patch: Partial<JobSnapshot>): JobSnapshot => ({
  id: 'backup-1', kind: 'backup', title: 'Back up app01 (vc01, full)', phase: 'running', step: 'reading Hard disk 1',
  bytesDone: 0, bytesTotal: 4 * 1024 ** 3, bytesPerSecond: 0, etaSeconds: null, startedAt: '2026-11-25T05:00:00Z', finishedAt: null, error: null, findings: [],
  ...patch,
});

const report: JobReportView = {
  jobId: 'backup-1', kind: 'backup', backupKind: 'full', pointId: 'bbbbbbbbbbbb2222', bytesRead: 3 * 1024 ** 2, vm: 'app01', target: 'vc01', outcome: 'succeeded',
  restoredVm: null, reason: null, startedAt: '2026-11-25T05:00:00Z', finishedAt: '2026-11-25T05:00:09Z', durationSeconds: 9, steps: [], disks: [], findings: [], errors: [],
  htmlPath: null, jsonPath: '/home/.lifeboat/jobs/backups/backup-1.json',
};

/** The fake bridge, recording what each method was sent. */
function recording(answers: Record<string, CallResult>) {
  const fake = fakeBridge(answers);
  const inputs: Record<string, unknown[]> = {};
  const bridge = new Proxy({}, {
    get: (_t, domain: string) => new Proxy({}, {
      get: (_m, method: string) => {
        const fn = (fake.bridge as unknown as Record<string, Record<string, (i?: unknown) => unknown>>)[domain]![method]!;
        if (method.startsWith('on')) return fn;
        return (input?: unknown) => {
          (inputs[`${domain}.${method}`] ??= []).push(input);
          return fn(input);
        };
      },
    }),
  }) as LifeboatBridge;
  return { ...fake, bridge, inputs, answers };
}

function answers(p: BackupPlanView): Record<string, CallResult> {
  return {
    'jobs.list': { ok: true, value: [] },
    'connections.list': { ok: true, value: [{ name: 'vc01', url: 'https://vc01/sdk', user: 'admin', kind: 'vcenter', hasSavedPassword: true, thumbprintSha256: null }] },
    'inventory.vms': { ok: true, value: [vm('app01'), vm('db01')] },
    'backup.plan': { ok: true, value: p },
    'backup.start': { ok: true, value: { jobId: 'backup-1' } },
    'jobs.report': { ok: true, value: report },
    'jobs.cancel': { ok: true, value: { cancelled: true } },
    'repositories.refresh': { ok: true, value: { ...repo, points: [{ id: 'bbbbbbbbbbbb2222', vm: 'app01', kind: 'full', createdAt: '2026-11-25T05:00:09Z', disks: 2, allocatedBytes: 3 * 1024 ** 2 }] } },
  };
}

async function walkToPlan(p: BackupPlanView) {
  const fake = recording(answers(p));
  bootstrap(fake.bridge, window);
  act(() => useNavigationStore.getState().go('backup'));
  render(<AppFrame />);
  expect(document.activeElement?.textContent).toMatch(/Step 1 of 4/);
  await waitFor(() => expect((screen.getByLabelText('Connection') as HTMLSelectElement).value).toBe('vc01'));
  const next = screen.getByRole('button', { name: 'Next: options' });
  expect((next as HTMLButtonElement).disabled).toBe(true);
  fireEvent.change(await screen.findByLabelText('Virtual machine'), { target: { value: 'app01' } });
  expect((screen.getByLabelText('Repository') as HTMLSelectElement).value).toBe('r1');
  fireEvent.click(next);
  expect(document.activeElement?.textContent).toMatch(/Step 2 of 4: how to back up app01/);
  fireEvent.click(screen.getByRole('radio', { name: /HotAdd/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Plan the backup' }));
  await screen.findByTestId('backup-plan-kind');
  return fake;
}

describe('the backup page', () => {
  beforeEach(() => {
    useBackupWizardStore.setState({ step: 1, choices: { connection: '', vm: '', repositoryId: '', full: false, transport: 'nbdssl', quiesce: false }, plan: { status: 'idle' }, jobId: null, starting: false, startProblem: null });
    useConnectionsStore.setState({ connections: { status: 'idle' }, tests: {} });
    useRepositoriesStore.setState({ opened: { r1: repo }, busy: false, problem: null });
    useJobsStore.setState({ jobs: {}, rates: {} });
  });

  it('is in the navigation', () => {
    bootstrap(recording(answers(plan('full'))).bridge, window);
    render(<AppFrame />);
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Backup' })).toBeTruthy();
  });

  it('walks source → options → plan (which kind, per disk, why) → progress → result with a link to the point', async () => {
    const fake = await walkToPlan(plan('full'));
    expect(fake.inputs['backup.plan']).toEqual([{ connection: 'vc01', vm: 'app01', repositoryId: 'r1', full: false, transport: 'hotadd', quiesce: false }]);
    expect(document.activeElement?.textContent).toBe('Step 3 of 4: the plan');
    expect(screen.getByTestId('backup-plan-kind').textContent).toMatch(/^A full backup of app01 on vc01; it reads at most 4\.0 GiB/);
    expect(within(screen.getByTestId('backup-disk-2000')).getByText(/^BACKUP-ALLOCATED-FIRST/)).toBeTruthy();
    expect(within(screen.getByTestId('backup-disk-2001')).getByText('Skipped')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Start the backup' }));
    await screen.findByTestId('backup-run');
    expect(document.activeElement?.textContent).toBe('Step 4 of 4: backing up');
    act(() => fake.emit('jobs.onProgress', snapshot({ bytesDone: 1024 ** 3, bytesPerSecond: 100 * 1024 ** 2, etaSeconds: 30 })));
    const progress = screen.getByTestId('backup-progress');
    expect(progress.getAttribute('aria-live')).toBe('polite');
    expect(within(progress).getByTestId('job-bytes').textContent).toBe('1.0 GiB of 4.0 GiB');
    expect(within(progress).getByTestId('job-rate').textContent).toBe('100.0 MiB/s');
    expect(within(progress).getByTestId('job-eta').textContent).toBe('30 s');
    expect(within(progress).getByText('Read')).toBeTruthy();

    act(() => fake.emit('jobs.onProgress', snapshot({ phase: 'succeeded', bytesDone: 4 * 1024 ** 3, finishedAt: '2026-11-25T05:00:09Z', outcome: 'app01: full restore point bbbbbbbbbbbb2222' })));
    const result = await screen.findByTestId('backup-result');
    expect(within(result).getByTestId('backup-result-kind').textContent).toBe('full');
    expect(within(result).getByTestId('backup-result-read').textContent).toBe('3.0 MiB');
    expect(screen.getByTestId('backup-point-link').getAttribute('href')).toBe('#/repositories?point=bbbbbbbbbbbb2222');
    // The repository was listed again, so the point is there when the link is followed.
    expect(useRepositoriesStore.getState().opened.r1?.points.map((p) => p.id)).toEqual(['bbbbbbbbbbbb2222']);
    // Following the link opens the point's details on the Repositories page.
    act(() => {
      window.location.hash = '#/repositories?point=bbbbbbbbbbbb2222';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    await waitFor(() => expect(fake.inputs['repositories.pointSummary']).toEqual([{ repositoryId: 'r1', point: 'bbbbbbbbbbbb2222' }]));
    act(() => useNavigationStore.getState().go('backup'));
    await screen.findByTestId('backup-result');

    // Again: the next one is planned as an incremental, and the page says from which point.
    fake.answers['backup.plan'] = { ok: true, value: plan('incremental') };
    fireEvent.click(screen.getByRole('button', { name: 'Back up again' }));
    fireEvent.click(screen.getByRole('button', { name: 'Plan the backup' }));
    await waitFor(() => expect(screen.getByTestId('backup-plan-kind').textContent).toMatch(/^An incremental backup of app01 on vc01, building on restore point aaaaaaaaaaaa/));
    expect(within(screen.getByTestId('backup-disk-2000')).getByText('Incremental: what changed')).toBeTruthy();
  });

  it('a blocked plan cannot start and says why as an alert', async () => {
    await walkToPlan(plan('full', [{ rule: 'BACKUP-CBT-OFF', severity: 'block', message: 'Change tracking cannot be turned on.', remedy: 'Remove the snapshots of the VM.' }]));
    expect(screen.getByRole('alert').textContent).toMatch(/BACKUP-CBT-OFF.*Change tracking cannot be turned on\.Remove the snapshots/);
    expect((screen.getByRole('button', { name: 'Start the backup' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('an error starting is an alert with the hint; a failed job shows its error', async () => {
    const fake = await walkToPlan(plan('full'));
    fake.answers['backup.start'] = { ok: false, error: { message: 'VDDK not found', code: 'vddk-not-found', hint: 'Set the VDDK folder on the About page.' } };
    fireEvent.click(screen.getByRole('button', { name: 'Start the backup' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not start the backup: VDDK not foundSet the VDDK folder on the About page.');
    fake.answers['backup.start'] = { ok: true, value: { jobId: 'backup-1' } };
    fireEvent.click(screen.getByRole('button', { name: 'Start the backup' }));
    await screen.findByTestId('backup-run');
    act(() => fake.emit('jobs.onProgress', snapshot({ phase: 'failed', finishedAt: '2026-11-25T05:00:09Z', error: 'the snapshot could not be created' })));
    expect(screen.getByRole('alert').textContent).toBe('The backup failed: the snapshot could not be created');
    expect(screen.queryByTestId('backup-result')).toBeNull();
  });
});
