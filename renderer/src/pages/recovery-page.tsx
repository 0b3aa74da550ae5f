import { useEffect, type ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { PlanSourceForm } from '../recovery/plan-source-form';
import { recoveryHash, recoveryJobFromHash } from '../recovery/recovery-job-hash';
import { RecoveryPlanView } from '../recovery/recovery-plan-view';
import { RecoveryProblemNotice } from '../recovery/recovery-problem';
import { RecoveryRunView } from '../recovery/recovery-run-view';
import { useRecoveryStore } from '../recovery/recovery-store';

/** Recovery plans: open a site's runbook, see its plan, run it and watch every VM on one screen. */
export function RecoveryPage(): ReactElement {
  const plan = useRecoveryStore((s) => s.plan);
  const planning = useRecoveryStore((s) => s.planning);
  const problem = useRecoveryStore((s) => s.problem);
  const jobId = useRecoveryStore((s) => s.jobId);
  const progress = useRecoveryStore((s) => (s.jobId ? s.progress[s.jobId] : undefined));
  const interrupted = useRecoveryStore((s) => (s.jobId ? (s.interrupted[s.jobId] ?? false) : false));
  const show = useRecoveryStore((s) => s.show);

  // The URL names the recovery shown: a reload or a link lands on it.
  useEffect(() => {
    const follow = (): void => {
      const named = recoveryJobFromHash(window.location.hash);
      if (named && named !== useRecoveryStore.getState().jobId) void show(named);
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [show]);
  useEffect(() => {
    // The store's own value: showing a named recovery sets it before this render knows it.
    const current = useRecoveryStore.getState().jobId;
    if (window.location.hash.startsWith('#/recovery') && window.location.hash !== recoveryHash(current)) window.location.hash = recoveryHash(current);
  }, [jobId]);

  return (
    <section>
      <PageHeader title="Recovery">
        Restore a whole site from a recovery plan: groups in order, VMs in parallel within what each host can take, and resume where it stopped.
      </PageHeader>
      {problem ? <RecoveryProblemNotice problem={problem} /> : null}
      {jobId ? (
        progress ? (
          <RecoveryRunView progress={progress} interrupted={interrupted} />
        ) : (
          <p className="muted" role="status">
            Starting the recovery {jobId}…
          </p>
        )
      ) : plan ? (
        <RecoveryPlanView plan={plan} />
      ) : (
        <>
          <PlanSourceForm />
          {planning ? (
            <p className="muted" role="status">
              Planning every VM against the target…
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
