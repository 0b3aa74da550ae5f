import type { RestorePhase } from '../restore-phases';
import { endAccess, prepareAccess } from './access';
import { cbtOff, cbtOn } from './change-tracking';
import { createVm } from './create-vm';
import { hotAddCleanup } from './hotadd-cleanup';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';
import { uploadNvram } from './nvram';
import { powerCheck } from './power-check';
import { powerOn } from './power-on';
import { removeSanSnapshot, takeSanSnapshot } from './san-snapshot';
import { signatureCheck } from './signature-check';
import { verifyDisks } from './verify-disks';
import { writeDisks } from './write-disks';

export interface JobPhase {
  name: RestorePhase;
  run: (ctx: RestoreJobContext) => Promise<PhaseResult>;
  /** A cancel is noticed here, before the next phase changes anything. */
  cancelPointAfter?: boolean;
}

/** The job in order; a failure stops it (each runs only when the plan has its step). */
export const MAIN_PHASES: readonly JobPhase[] = [
  { name: 'power-check', run: powerCheck },
  { name: 'create-vm', run: createVm, cancelPointAfter: true },
  { name: 'prepare-access', run: prepareAccess, cancelPointAfter: true },
  { name: 'cbt-off', run: cbtOff },
  { name: 'san-snapshot', run: takeSanSnapshot },
  { name: 'write-disks', run: writeDisks },
  { name: 'signature-check', run: signatureCheck },
  { name: 'verify-disks', run: verifyDisks },
  { name: 'nvram', run: uploadNvram },
  { name: 'san-snapshot-remove', run: removeSanSnapshot },
  { name: 'power-on', run: powerOn },
];

/** Always attempted, each on its own, so one failing cannot skip the others; a resumed job runs them again. */
export const CLOSING_PHASES: readonly JobPhase[] = [
  // Again here, so it also runs after a failure (a no-op when the main sequence did it).
  { name: 'san-snapshot-remove', run: removeSanSnapshot },
  { name: 'cbt-on', run: cbtOn },
  { name: 'end-access', run: endAccess },
  { name: 'cleanup', run: hotAddCleanup },
];
