import { useState, type FormEvent, type ReactElement } from 'react';
import type { OpenedRepository } from '../../../electron/api/contract';
import { useRepositoriesStore } from '../stores/repositories-store';
import { ErrorNotice } from '../app/error-notice';

/**
 * Open a repository folder. The password stays in this form's state until it
 * is handed to the engine; left empty, the engine uses the one saved in the keychain.
 */
export function OpenRepositoryForm({ onOpened }: { onOpened?: (repo: OpenedRepository) => void }): ReactElement {
  const [path, setPath] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const open = useRepositoriesStore((s) => s.open);
  const busy = useRepositoriesStore((s) => s.busy);
  const problem = useRepositoriesStore((s) => s.problem);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const repo = await open({ path: path.trim(), password: password === '' ? undefined : password, remember });
    setPassword('');
    if (repo) onOpened?.(repo);
  }

  return (
    <form className="card form" onSubmit={(e) => void submit(e)} aria-label="Open repository">
      <h2>Open a repository</h2>
      <div className="form-grid">
        <label>
          Repository folder
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="e.g. /backups/lifeboat" required />
        </label>
        <label>
          Repository password <span className="muted">(empty: use the keychain)</span>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember in keychain
        </label>
      </div>
      <button type="submit" className="button" disabled={busy}>
        {busy ? 'Opening…' : 'Open repository'}
      </button>
      {problem ? (
        <ErrorNotice problem={problem} />
      ) : null}
    </form>
  );
}
