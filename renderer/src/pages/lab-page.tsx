import { useEffect, type ReactElement } from 'react';
import { PageHeader } from '../app/page-header';
import { LabControls } from '../lab/lab-controls';
import { LabStatusCard } from '../lab/lab-status-card';
import { useLabStore } from '../lab/lab-store';
import { WhatIfPanel } from '../lab/what-if-panel';
import { ErrorNotice } from '../app/error-notice';

/** The lab for trainers: vcsim and the lab VDDK, started, stopped and reset here or with `lifeboat lab`. */
export function LabPage(): ReactElement {
  const { view, busy, problem, done, refresh } = useLabStore();
  useEffect(() => {
    void refresh();
  }, [refresh]);

  return (
    <section aria-busy={busy !== null}>
      <PageHeader title="Lab">A simulated vCenter or standalone ESXi host with real disk files, for rehearsing restores without touching production.</PageHeader>
      <div role="status" aria-live="polite" data-testid="lab-activity" className={busy || done ? 'notice notice-ok' : undefined}>
        {busy ? busy.what : done}
      </div>
      {problem ? (
        <ErrorNotice problem={problem} />
      ) : null}
      {view ? (
        <>
          <LabStatusCard view={view} />
          <LabControls view={view} />
        </>
      ) : (
        <p className="muted">Reading the lab&apos;s state…</p>
      )}
      <WhatIfPanel />
      <p className="muted">
        The same lab from a terminal: <code>lifeboat lab start --mode esxi</code>, <code>lifeboat lab status</code>, <code>lifeboat lab stop</code>.
      </p>
    </section>
  );
}
