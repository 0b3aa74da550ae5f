import type { ReactElement, ReactNode } from 'react';
import type { OpenedRepository } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { localTime } from '../app/local-time';

/** The restore points of one opened repository; with `onSelect`, each row can be chosen (radio). */
export function RestorePointTable({
  repo,
  selectedId,
  onSelect,
  actions,
}: {
  repo: OpenedRepository;
  selectedId?: string | null;
  onSelect?: (pointId: string) => void;
  /** A last column of buttons per point (the Repositories page's Details). */
  actions?: (pointId: string) => ReactNode;
}): ReactElement {
  if (repo.points.length === 0) {
    return (
      <p className="empty" data-testid={`points-empty-${repo.id}`}>
        {repo.path} holds no restore points yet (make one with <code>lifeboat backup</code>).
      </p>
    );
  }
  return (
    <table className="table" aria-label={`Restore points in ${repo.path}`}>
      <thead>
        <tr>
          {onSelect ? (
            <th>
              <span className="visually-hidden">Choose</span>
            </th>
          ) : null}
          <th>VM</th>
          <th>Created</th>
          <th>Kind</th>
          <th>Disks</th>
          <th>Stored data</th>
          <th>Id</th>
          {actions ? (
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {repo.points.map((p) => (
          <tr key={p.id} data-testid={`point-${p.id}`}>
            {onSelect ? (
              <td>
                <input
                  type="radio"
                  name={`point-${repo.id}`}
                  checked={selectedId === p.id}
                  onChange={() => onSelect(p.id)}
                  aria-label={`Restore point of ${p.vm} from ${localTime(p.createdAt)}`}
                />
              </td>
            ) : null}
            <td>{p.vm}</td>
            <td>
              <time dateTime={p.createdAt}>{localTime(p.createdAt)}</time>
            </td>
            <td>{p.kind}</td>
            <td>{p.disks}</td>
            <td>{formatBytes(p.allocatedBytes)}</td>
            <td className="mono">{p.id.slice(0, 12)}</td>
            {actions ? <td className="actions">{actions(p.id)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
