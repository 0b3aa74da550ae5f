import { useState, type FormEvent, type ReactElement } from 'react';
import { useRecoveryStore } from './recovery-store';

/**
 * Opens a recovery plan file: by its path on the machine running the engine
 * (for the browser host: the server, this machine), or picked here and sent
 * as text (relative paths inside it are resolved on the engine's machine).
 */
export function PlanSourceForm(): ReactElement {
  const [path, setPath] = useState('');
  const openPlan = useRecoveryStore((s) => s.openPlan);
  const planning = useRecoveryStore((s) => s.planning);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (path.trim()) void openPlan({ path: path.trim() });
  };
  const pick = async (files: FileList | null): Promise<void> => {
    const file = files?.[0];
    if (!file) return;
    await openPlan({ text: await file.text(), name: file.name });
  };

  return (
    <section className="card" aria-labelledby="open-plan-heading">
      <h2 id="open-plan-heading">Open a recovery plan</h2>
      <form className="recovery-open" onSubmit={submit} aria-label="Open a plan file by path">
        <label>
          Plan file on the Lifeboat machine
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="e.g. /srv/runbooks/site-a.yaml" spellCheck={false} />
        </label>
        <button type="submit" className="button" disabled={planning || path.trim() === ''}>
          {planning ? 'Planning…' : 'Open and plan'}
        </button>
      </form>
      <div className="recovery-open">
        <label>
          Or pick a plan file (YAML) from this computer
          <input type="file" accept=".yaml,.yml,text/yaml" disabled={planning} onChange={(e) => void pick(e.target.files)} />
        </label>
      </div>
      <p className="field-help">Planning reads the repository and the target: it changes nothing. The plan&apos;s repository must be open on the Repositories page.</p>
    </section>
  );
}
