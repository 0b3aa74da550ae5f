import type { ReactElement } from 'react';
import { PageHeader } from '../app/page-header';

/** The restore wizard's starting point. */
export function RestorePage(): ReactElement {
  return (
    <section>
      <PageHeader title="Restore">Plan first, then restore: every choice is checked against the restore rules (SAN, HotAdd, NBDSSL, NBD; thin disks; encryption and vTPM).</PageHeader>
      <div className="empty">
        <p>Try a what-if plan from a scenario file:</p>
        <pre className="code">{`lifeboat plan --scenario resources/scenarios/<scenario>.json`}</pre>
      </div>
    </section>
  );
}
