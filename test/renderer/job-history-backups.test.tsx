import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { JobHistoryRow } from '../../electron/api/contract';
import { installApi } from '../../renderer/src/bridge/api-access';
import { createClient } from '../../renderer/src/bridge/create-client';
import { JobHistoryTable } from '../../renderer/src/jobs/job-history-table';
import { fakeBridge } from './fake-bridge';

const row = (patch: Partial<JobHistoryRow>): JobHistoryRow => ({
  jobId: 'x', kind: 'full-vm', vm: 'app01', restoredVm: null, target: 'vc01', outcome: 'succeeded', startedAt: '2026-11-25T05:00:00Z',
  finishedAt: '2026-11-25T05:01:00Z', durationSeconds: 60, reason: null, reportPath: '/r.html', ...patch,
});

describe('the Jobs page list with backups', () => {
  it('shows each job kind (backups full or incremental), filters by kind, and offers no resume for a backup', async () => {
    const rows = [
      row({ jobId: 'restore-1', kind: 'full-vm', outcome: 'failed' }),
      row({ jobId: 'backup-1', kind: 'backup', backupKind: 'full', reportPath: '/jobs/backups/backup-1.json', resumable: false }),
      row({ jobId: 'backup-2', kind: 'backup', backupKind: 'incremental', outcome: 'interrupted', finishedAt: null, reportPath: null, resumable: false }),
    ];
    installApi(createClient(fakeBridge({ 'jobs.history': { ok: true, value: rows } }).bridge));
    render(<JobHistoryTable refreshKey="" />);
    expect((await screen.findByTestId('history-kind-backup-1')).textContent).toBe('backup (full)');
    expect(screen.getByTestId('history-kind-backup-2').textContent).toBe('backup (incremental)');
    expect(screen.getByTestId('history-kind-restore-1').textContent).toBe('restore (full-vm)');
    expect(within(screen.getByTestId('history-backup-2')).getByText('interrupted')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Resume backup-2' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Resume restore-1' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Open report of backup-1' })).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'backup' } });
    expect(screen.getByTestId('history-count').textContent).toBe('2 of 3 jobs');
    expect(screen.queryByTestId('history-restore-1')).toBeNull();
  });
});
