import type { ReactElement } from 'react';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';
import { DiskBar } from './disk-bar';
import { usePointDetails } from './use-point-details';

/** The chosen restore point: badges for what makes its restore special, and each disk as allocated of capacity. */
export function PointCard({ repositoryId, pointId }: { repositoryId: string; pointId: string }): ReactElement {
  const { details, problem } = usePointDetails(repositoryId, pointId);
  if (problem) {
    return (
      <div className="notice notice-error" role="alert">
        Could not read the restore point: {problem}
      </div>
    );
  }
  if (!details) return <p className="muted">Reading the restore point…</p>;
  const badges = [
    details.firmware === 'efi' ? 'EFI' : details.firmware === 'bios' ? 'BIOS' : null,
    details.vtpm ? 'vTPM' : null,
    details.encrypted ? 'Encrypted' : null,
    details.cbt ? 'CBT' : null,
  ].filter((b): b is string => b !== null);
  return (
    <section className="card point-card" aria-label="Chosen restore point" data-testid="point-card">
      <h3>
        {details.vm} <span className="muted">· {localTime(details.createdAt)}</span>
      </h3>
      <ul className="badges" aria-label="Restore point facts">
        {badges.map((b) => (
          <li key={b} className="badge badge-info">
            {b}
          </li>
        ))}
      </ul>
      <ul className="disk-list">
        {details.disks.map((d) => (
          <li key={d.key}>
            <span>
              {d.label} · {formatBytes(d.capacityBytes)} {d.provisioning}
            </span>
            <DiskBar label={d.label} used={d.allocatedBytes} capacity={d.capacityBytes} />
          </li>
        ))}
      </ul>
    </section>
  );
}
