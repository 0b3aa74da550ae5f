import type { ReactElement } from 'react';
import { useJobsStore } from '../stores/jobs-store';
import { recoveryHash } from './recovery-job-hash';
import { useRecoveryStore } from './recovery-store';

/** The Jobs page's recoveries of this session: show one on the Recovery page, or resume one that stopped. */
export function RecoveryJobsPanel(): ReactElement | null {
  const recoveries = Object.values(useJobsStore((s) => s.jobs)).filter((j) => j.kind === 'recovery');
  const resume = useRecoveryStore((s) => s.resume);
  if (recoveries.length === 0) return null;
  return (
    <section className="card" aria-labelledby="recoveries-heading">
      <h2 id="recoveries-heading">Recoveries</h2>
      <ul className="plain-list">
        {recoveries.map((j) => (
          <li key={j.id} data-testid={`recovery-job-${j.id}`}>
            <span>
              {j.title} — <strong>{j.phase}</strong>
            </span>
            <a className="button button-small button-secondary" href={recoveryHash(j.id)}>
              Show on the Recovery page
            </a>
            {j.phase === 'failed' || j.phase === 'cancelled' ? (
              <button
                type="button"
                className="button button-small"
                aria-label={`Resume ${j.title}`}
                onClick={() =>
                  void resume(j.id).then(() => {
                    window.location.hash = recoveryHash(j.id);
                  })
                }
              >
                Resume
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
