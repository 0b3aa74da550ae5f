import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallResult, JobSnapshot, LifeboatBridge, RecoveryJobState } from '../../electron/api/contract';
import { RecoveryJobState as RecoveryJobStateSchema } from '../../electron/api/schemas/recovery-schema';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useRecoveryStore } from '../../renderer/src/recovery/recovery-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useNavigationStore } from '../../renderer/src/stores/navigation-store';
import { fakeBridge } from './fake-bridge';
import { blockedPlan, cancelledProgress, finishedProgress, okPlan, runningProgress } from './recovery-fixtures';

/** The fake bridge, plus every input each method got (to check what the page sent). */
function recordingBridge(answers: Record<string, CallResult>) {
  const fake = fakeBridge(answers);
  const inputs: Record<string, unknown[]> = {};
  const bridge = new Proxy({}, {
    get: (_t, domain: string) =>
      new Proxy({}, {
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

const job = (patch: Partial<JobSnapshot>): JobSnapshot => ({
  id: 'recovery-1', kind: 'recovery', title: 'Recovery Site A failover: 3 VMs in 2 groups (dr-vc)', phase: 'running', step: 'Starting',
  bytesDone: 0, bytesTotal: runningProgress.bytesTotal, bytesPerSecond: 0, etaSeconds: null, startedAt: runningProgress.startedAt, finishedAt: null, error: null, findings: [],
  ...patch,
});

function answers(extra: Record<string, CallResult> = {}): Record<string, CallResult> {
  return {
    'jobs.list': { ok: true, value: [] },
    'jobs.history': { ok: true, value: [] },
    'recovery.plan': { ok: true, value: okPlan },
    'recovery.start': { ok: true, value: { jobId: 'recovery-1' } },
    'recovery.resume': { ok: true, value: { jobId: 'recovery-1' } },
    'jobs.cancel': { ok: true, value: { cancelled: true } },
    ...extra,
  };
}

function openPage(extra: Record<string, CallResult> = {}) {
  const fake = recordingBridge(answers(extra));
  bootstrap(fake.bridge, window);
  render(<AppFrame />);
  return fake;
}

async function planByPath(path = '/plans/site-a.yaml') {
  fireEvent.change(screen.getByLabelText('Plan file on the Lifeboat machine'), { target: { value: path } });
  fireEvent.click(screen.getByRole('button', { name: 'Open and plan' }));
  await screen.findByTestId('recovery-plan');
}

describe('Recovery page', () => {
  beforeEach(() => {
    useRecoveryStore.setState({ source: null, plan: null, planning: false, problem: null, jobId: null, progress: {}, interrupted: {}, notResumable: {} });
    useJobsStore.setState({ jobs: {}, rates: {} });
    window.location.hash = '#/recovery';
    useNavigationStore.getState().syncFromHash('#/recovery');
  });

  it('is in the navigation and shows a plan: groups in order with their VMs, space per datastore, streams per host, estimates, findings with rules', async () => {
    const fake = openPage();
    expect(screen.getByRole('link', { name: 'Recovery' }).getAttribute('aria-current')).toBe('page');
    await planByPath();
    expect(fake.inputs['recovery.plan']).toEqual([{ path: '/plans/site-a.yaml' }]);
    expect(screen.getByTestId('recovery-verdict').textContent).toContain('Ready to run');
    expect(screen.getByTestId('recovery-estimate').textContent).toBe('4 min 30 s (Directory 1 min 10 s, Databases 3 min 20 s)');

    const groups = screen.getAllByTestId(/^plan-group-/);
    expect(groups.map((g) => g.getAttribute('data-testid'))).toEqual(['plan-group-Directory', 'plan-group-Databases']);
    expect(groups[0]!.textContent).toContain('Next group after its VMs restored and powered on, then 30 s');
    const sql02 = screen.getByTestId('plan-vm-sql02');
    for (const text of ['sql02 → sql02-dr', 'esx-3', 'ds-bulk', 'NBDSSL ×2', '2 streams', '10.0 GiB', '1 min 40 s']) expect(sql02.textContent).toContain(text);
    const sql01 = screen.getByTestId('plan-vm-sql01');
    expect(within(sql01).getByTestId('recovery-finding-VTPM-NVRAM-MISSING').textContent).toContain('What to do: Expect a new vTPM');

    expect(screen.getByRole('img', { name: 'ds-fast: 24.0 GiB needed of 100.0 GiB free' })).toBeTruthy();
    expect(screen.getByTestId('host-esx-3').textContent).toContain('2');
    // Notes are folded under a summary naming their rules; warnings stay in view.
    expect(screen.getByTestId('recovery-finding-XPORT-SAN-STREAMS').closest('details')?.querySelector('summary')?.textContent).toBe('1 note (XPORT-SAN-STREAMS)');
    expect(screen.getByTestId('recovery-finding-VTPM-NVRAM-MISSING').closest('details')).toBeNull();
    expect(screen.queryByTestId('run-disabled-why')).toBeNull();
  });

  it('marks a datastore without room as blocked and disables Run, saying why', async () => {
    openPage({ 'recovery.plan': { ok: true, value: blockedPlan } });
    await planByPath();
    expect(screen.getByTestId('recovery-verdict').textContent).toContain('Blocked');
    const bulk = screen.getByTestId('datastore-ds-bulk');
    expect(bulk.textContent).toContain('blocked: not enough space');
    expect(within(bulk).getByRole('img').getAttribute('aria-label')).toBe('ds-bulk: 10.0 GiB needed of 5.0 GiB free, blocked');
    expect(screen.getByTestId('datastore-ds-fast').textContent).toContain('fits');
    const run = screen.getByRole('button', { name: 'Run the recovery' }) as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(run.getAttribute('aria-describedby')).toBe('run-disabled-why');
    expect(screen.getByTestId('run-disabled-why').textContent).toContain('blocked by DATA-THIN-SPACE (ds-bulk)');
  });

  it('sends a picked file as text with its name, and shows the file\'s problems with their line numbers', async () => {
    const fake = openPage({
      'recovery.plan': {
        ok: false,
        error: {
          message: 'recovery plan site-a.yaml has 2 problems:\n  site-a.yaml:4:16: groups[0].vms[0].point: expected "latest"\n  site-a.yaml:9:5: groups[1]: unknown field "wait"',
          code: 'recovery-file-invalid',
          hint: 'Fix the lines named and open the file again.',
          issues: [
            { line: 4, path: 'groups[0].vms[0].point', message: 'expected "latest", "latest before <time>" or a restore point id' },
            { line: 9, path: 'groups[1]', message: 'unknown field "wait"' },
          ],
        },
      },
    });
    const yaml = 'name: Site A failover\nrepository: /backups/site\n';
    const picker = screen.getByLabelText('Or pick a plan file (YAML) from this computer');
    fireEvent.change(picker, { target: { files: [new File([yaml], 'site-a.yaml', { type: 'text/yaml' })] } });
    const problem = await screen.findByTestId('recovery-problem');
    expect(fake.inputs['recovery.plan']).toEqual([{ text: yaml, name: 'site-a.yaml' }]);
    const lines = within(problem).getAllByTestId('plan-file-problem').map((li) => li.textContent);
    expect(lines).toEqual([
      'Line 4groups[0].vms[0].point expected "latest", "latest before <time>" or a restore point id',
      'Line 9groups[1] unknown field "wait"',
    ]);
    // The headline is the message's first line; its other lines are the list above.
    expect(within(problem).getByText('recovery plan site-a.yaml has 2 problems:')).toBeTruthy();
    expect(problem.textContent).toContain('Fix the lines named and open the file again.');
    // The form is still there to open the fixed file.
    expect(screen.getByRole('button', { name: 'Open and plan' })).toBeTruthy();
  });

  it('runs after a confirm naming what will be created, then shows every VM through to the end', async () => {
    const fake = openPage();
    await planByPath();
    fireEvent.click(screen.getByRole('button', { name: 'Run the recovery' }));
    const dialog = screen.getByRole('dialog', { name: 'Run the recovery Site A failover?' });
    expect(within(dialog).getByTestId('confirm-vms').textContent).toContain('sql02-dr on esx-3, datastore ds-bulk, powered on');
    expect(dialog.textContent).toContain('This creates 3 new VMs on dr-vc');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(fake.calls).not.toContain('recovery.start');

    fireEvent.click(screen.getByRole('button', { name: 'Run the recovery' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create 3 VMs and run' }));
    await waitFor(() => expect(fake.inputs['recovery.start']).toEqual([{ path: '/plans/site-a.yaml' }]));
    await screen.findByText('Starting the recovery recovery-1…');
    await waitFor(() => expect(window.location.hash).toBe('#/recovery/recovery-1'));

    act(() => {
      fake.emit('jobs.onProgress', job({ bytesDone: runningProgress.bytesDone }));
      fake.emit('recovery.onProgress', runningProgress);
    });
    expect(screen.getByTestId('recovery-state').textContent).toBe('Running');
    // Keyboard and screen reader users start reading at the run screen's heading.
    expect(document.activeElement?.textContent).toBe('Site A failover: Running');
    expect(screen.getByTestId('recovery-overall').textContent).toContain('1 of 3 VMs done; 14.0 GiB of 34.0 GiB written');
    expect(screen.getByTestId('vm-state-sql01').textContent).toContain('running');
    expect(screen.getByTestId('vm-state-sql01').textContent).toContain('10.0 GiB of 20.0 GiB');
    expect(screen.getByTestId('vm-state-sql02').textContent).toContain('waiting');
    expect(screen.getByTestId('group-state-Directory').textContent).toContain('up after 1 min');
    expect(screen.getByTestId('host-state-esx-2').textContent).toContain('1 of 50');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the recovery' }));
    await waitFor(() => expect(fake.inputs['jobs.cancel']).toEqual([{ jobId: 'recovery-1' }]));

    act(() => {
      fake.emit('jobs.onProgress', job({ phase: 'succeeded', reportPath: '/home/jobs/recovery-1-report.html', finishedAt: finishedProgress.finishedAt }));
      fake.emit('recovery.onProgress', finishedProgress);
    });
    expect(screen.getByTestId('recovery-state').textContent).toBe('Recovery succeeded');
    expect(screen.getByTestId('recovery-overall').textContent).toContain('3 of 3 VMs done; 34.0 GiB of 34.0 GiB written; 5 min in all');
    expect(screen.getByTestId('recovery-report').textContent).toBe('/home/jobs/recovery-1-report.html');
    expect(screen.queryByRole('button', { name: 'Cancel the recovery' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resume the recovery' })).toBeNull();
    expect(screen.getAllByTestId(/^timeline-bar-/)).toHaveLength(3);
  });

  it('a refused start (blocked when run) is shown with its rule and hint, and the plan stays', async () => {
    openPage({ 'recovery.start': { ok: false, error: { message: 'the plan is blocked by DATA-THIN-SPACE; nothing was changed', code: 'plan-blocked', rule: 'DATA-THIN-SPACE', hint: 'Free space on ds-bulk.' } } });
    await planByPath();
    fireEvent.click(screen.getByRole('button', { name: 'Run the recovery' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create 3 VMs and run' }));
    const problem = await screen.findByTestId('recovery-problem');
    expect(problem.textContent).toContain('DATA-THIN-SPACE');
    expect(problem.textContent).toContain('Free space on ds-bulk.');
    expect(screen.getByTestId('recovery-plan')).toBeTruthy();
  });

  it('a reloaded page at #/recovery/<job> shows the interrupted recovery and resumes it', async () => {
    const interrupted: RecoveryJobState = RecoveryJobStateSchema.parse({ ...runningProgress, interrupted: true, resumable: true });
    window.location.hash = '#/recovery/recovery-1';
    useNavigationStore.getState().syncFromHash(window.location.hash);
    const fake = openPage({ 'recovery.get': { ok: true, value: interrupted } });
    await screen.findByTestId('recovery-run');
    expect(fake.inputs['recovery.get']).toEqual([{ jobId: 'recovery-1' }]);
    expect(screen.getByTestId('recovery-state').textContent).toBe('Recovery interrupted');
    expect(screen.queryByRole('button', { name: 'Cancel the recovery' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Resume the recovery' }));
    await waitFor(() => expect(fake.inputs['recovery.resume']).toEqual([{ jobId: 'recovery-1' }]));
    // Resumed: running again (the engine's next push says how far).
    await waitFor(() => expect(screen.getByTestId('recovery-state').textContent).toBe('Running'));
    act(() => fake.emit('recovery.onProgress', finishedProgress));
    expect(screen.getByTestId('recovery-state').textContent).toBe('Recovery succeeded');
  });

  it('a recovery started from the command line is shown, and the page says to resume it there', async () => {
    const fromCli: RecoveryJobState = RecoveryJobStateSchema.parse({ ...cancelledProgress, jobId: 'recovery-cli', interrupted: false, resumable: false });
    window.location.hash = '#/recovery/recovery-cli';
    useNavigationStore.getState().syncFromHash(window.location.hash);
    openPage({ 'recovery.get': { ok: true, value: fromCli } });
    await screen.findByTestId('recovery-run');
    expect(screen.getByTestId('recovery-state').textContent).toBe('Recovery cancelled');
    expect(screen.queryByRole('button', { name: 'Resume the recovery' })).toBeNull();
    expect(screen.getByTestId('resume-from-cli').textContent).toContain('lifeboat recovery run FILE --resume recovery-cli');
  });

  it('the Jobs page lists a cancelled recovery of this session and resumes it on the Recovery page', async () => {
    window.location.hash = '#/jobs';
    useNavigationStore.getState().syncFromHash('#/jobs');
    const fake = openPage();
    act(() => fake.emit('jobs.onProgress', job({ phase: 'cancelled', finishedAt: cancelledProgress.finishedAt, error: 'cancelled by the user' })));
    const row = screen.getByTestId('recovery-job-recovery-1');
    expect(within(row).getByRole('link', { name: 'Show on the Recovery page' }).getAttribute('href')).toBe('#/recovery/recovery-1');
    fireEvent.click(within(row).getByRole('button', { name: /^Resume Recovery Site A failover/ }));
    await waitFor(() => expect(fake.inputs['recovery.resume']).toEqual([{ jobId: 'recovery-1' }]));
    await waitFor(() => expect(window.location.hash).toBe('#/recovery/recovery-1'));
  });

  it('the Jobs page resumes an interrupted recovery from the jobs on disk with recovery.resume, not restore.resume', async () => {
    window.location.hash = '#/jobs';
    useNavigationStore.getState().syncFromHash('#/jobs');
    const row = {
      jobId: 'recovery-9', kind: 'recovery', vm: 'Site A failover (3 VMs)', restoredVm: null, target: 'dr-vc', outcome: 'interrupted',
      startedAt: '2026-11-29T10:00:00Z', finishedAt: null, durationSeconds: null, reason: null, reportPath: null,
    };
    const fake = openPage({ 'jobs.history': { ok: true, value: [row] }, 'recovery.resume': { ok: true, value: { jobId: 'recovery-9' } } });
    fireEvent.click(await screen.findByRole('button', { name: 'Resume recovery-9' }));
    await waitFor(() => expect(fake.inputs['recovery.resume']).toEqual([{ jobId: 'recovery-9' }]));
    expect(fake.calls).not.toContain('restore.resume');
  });
});
