import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';

/** The lab: vcsim and the lab VDDK, for rehearsals and training. */
export function LabPage(): ReactElement {
  return (
    <section>
      <PageHeader title="Lab">A simulated vCenter or standalone ESXi host with real disk files, for rehearsing restores without touching production.</PageHeader>
      <div className="empty">
        <pre className="code">{`lifeboat lab start --mode vcenter
lifeboat lab status
lifeboat lab stop`}</pre>
      </div>
    </section>
  );
}
