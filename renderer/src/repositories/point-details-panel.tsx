import { useEffect, useState, type ReactElement } from 'react';
import type { OpenedRepository, PointSummary } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';
import { api } from '../bridge/api-access';
import { ExportWizard } from '../export/export-wizard';
import { useNavigationStore } from '../stores/navigation-store';
import { problemOf, type Problem } from '../stores/repositories-store';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

function yesNo(v: boolean): string {
  return v ? 'Yes' : 'No';
}

/** One restore point in full: what the VM was (from its saved ConfigInfo), its disks, and what to do with it. */
export function PointDetailsPanel({ repo, pointId, onClose }: { repo: OpenedRepository; pointId: string; onClose: () => void }): ReactElement {
  const [summary, setSummary] = useState<PointSummary | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [exporting, setExporting] = useState(false);
  const go = useNavigationStore((s) => s.go);

  useEffect(() => {
    setSummary(null);
    api()
      .repositories.pointSummary({ repositoryId: repo.id, point: pointId })
      .then(setSummary)
      .catch((err: unknown) => setProblem(problemOf(err)));
  }, [repo.id, pointId]);

  function restore(): void {
    const wizard = useRestoreWizardStore.getState();
    wizard.reset();
    wizard.choosePoint(repo.id, pointId);
    go('restore');
  }

  if (problem) {
    return (
      <div className="notice notice-error" role="alert">
        Could not read the restore point: {problem.message}
      </div>
    );
  }
  if (!summary) return <p role="status">Reading the restore point…</p>;
  const s = summary;
  return (
    <section className="card" aria-labelledby={`details-${s.id}`} data-testid="point-details">
      <h3 id={`details-${s.id}`} tabIndex={-1}>
        Restore point of {s.vm} from {localTime(s.createdAt)}
      </h3>
      <dl className="job-facts">
        <dt>Guest OS</dt>
        <dd>{s.guest ?? 'unknown'}</dd>
        <dt>CPUs, memory</dt>
        <dd>
          {s.cpus ?? '?'} vCPU, {s.memoryMb === null ? '?' : formatBytes(s.memoryMb * 1024 * 1024)}
        </dd>
        <dt>Hardware</dt>
        <dd>
          {s.hardwareVersion ?? 'unknown'}, {s.firmware === 'efi' ? 'EFI' : s.firmware === 'bios' ? 'BIOS' : 'firmware unknown'}
        </dd>
        <dt>Encrypted</dt>
        <dd data-testid="detail-encrypted">{yesNo(s.encrypted)}</dd>
        <dt>vTPM</dt>
        <dd data-testid="detail-vtpm">{yesNo(s.vtpm)}</dd>
        <dt>NVRAM</dt>
        <dd data-testid="detail-nvram">{s.nvram ? `Saved (${s.nvram.fileName}, ${formatBytes(s.nvram.size)})` : 'Not saved'}</dd>
        <dt>Storage policy</dt>
        <dd>{s.storagePolicy ?? 'none'}</dd>
        <dt>Source</dt>
        <dd>
          {s.sourceServer} ({s.kind} point)
        </dd>
      </dl>
      <table className="table" aria-label={`Disks of ${s.vm}`}>
        <thead>
          <tr>
            <th>Disk</th>
            <th>Size</th>
            <th>Allocated</th>
            <th>Format</th>
            <th>Controller</th>
            <th>Datastore</th>
          </tr>
        </thead>
        <tbody>
          {s.disks.map((d) => (
            <tr key={d.key}>
              <td>
                {d.label} <span className="muted">({d.key})</span>
              </td>
              <td>{formatBytes(d.capacityBytes)}</td>
              <td>{formatBytes(d.allocatedBytes)}</td>
              <td>{d.provisioning}</td>
              <td>{d.controller}</td>
              <td>{d.datastore}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s.skippedDisks.length > 0 ? <p className="muted">Not in this point: {s.skippedDisks.join(', ')}.</p> : null}
      <div className="wizard-actions">
        <button type="button" className="button" onClick={restore}>
          Restore…
        </button>
        <button type="button" className="button button-secondary" onClick={() => setExporting(true)} disabled={exporting}>
          Export a disk…
        </button>
        <button type="button" className="button button-secondary" onClick={onClose}>
          Close details
        </button>
      </div>
      {exporting ? <ExportWizard repositoryId={repo.id} point={s} onClose={() => setExporting(false)} /> : null}
    </section>
  );
}
