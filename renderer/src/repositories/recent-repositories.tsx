import { useEffect, useState, type ReactElement } from 'react';
import type { RecentRepository } from '../../../electron/api/contract';
import { api } from '../bridge/api-access';
import { localTime } from '../app/local-time';
import { useRepositoriesStore } from '../stores/repositories-store';

/** Folders opened before (opened again with the keychain's password), and the demo repository, one key press away. */
export function RecentRepositories(): ReactElement {
  const [recent, setRecent] = useState<RecentRepository[]>([]);
  const open = useRepositoriesStore((s) => s.open);
  const openDemo = useRepositoriesStore((s) => s.openDemo);
  const busy = useRepositoriesStore((s) => s.busy);
  const opened = useRepositoriesStore((s) => s.opened);

  useEffect(() => {
    api()
      .repositories.recent()
      .then(setRecent)
      .catch(() => setRecent([]));
  }, [opened]);

  return (
    <section className="card" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent repositories</h2>
      {recent.length === 0 ? <p className="muted">None yet: folders you open are listed here.</p> : null}
      <ul className="plain-list">
        {recent.map((r) => (
          <li key={r.path}>
            <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void open({ path: r.path })}>
              Open {r.path}
            </button>
            <span className="muted">last opened {localTime(r.openedAt)}</span>
          </li>
        ))}
      </ul>
      <button type="button" className="button" disabled={busy} onClick={() => void openDemo()}>
        Open the demo repository
      </button>
      <p className="field-help">A repository with one restore point of a Windows Server 2022 VM (EFI, vTPM, encrypted), made in the Lifeboat folder; no server needed.</p>
    </section>
  );
}
