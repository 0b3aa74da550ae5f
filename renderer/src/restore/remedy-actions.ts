import type { FindingFix, PlanFinding } from '../../../electron/api/contract';
import type { EncryptionChoice, RestoreChoices } from './restore-choices';

/** A one-click fix the plan page offers: a label and the choice it sets (the plan is then made again). */
export interface RemedyAction {
  label: string;
  patch: Partial<RestoreChoices>;
  /** The encryption fallback lives beside the choices (the plan page's encryption decision). */
  encryption?: EncryptionChoice;
}

const TRANSPORT_LABEL: Record<string, string> = { san: 'SAN', hotadd: 'HotAdd', nbdssl: 'NBDSSL', nbd: 'NBD' };
const ENCRYPTION_LABEL: Record<EncryptionChoice, string> = { keep: 'Keep the original keys', 'new-keys': 'Use new keys', unencrypted: 'Choose unencrypted' };
/** Enough network targets to choose from without crowding the plan page. */
const MAX_NETWORK_CHOICES = 4;

function action(fix: FindingFix, current: RestoreChoices): RemedyAction | null {
  switch (fix.option) {
    case 'transport':
      if (fix.value === current.transport) return null;
      return { label: fix.value === 'auto' ? 'Choose auto' : `Use ${TRANSPORT_LABEL[fix.value] ?? fix.value}`, patch: { transport: fix.value } };
    case 'hardwareVersion':
      return fix.value === current.hardwareVersion ? null : { label: `Use hardware version ${fix.value}`, patch: { hardwareVersion: fix.value } };
    case 'storagePolicy':
      return fix.value === current.storagePolicy ? null : { label: `Use policy ${fix.value}`, patch: { storagePolicy: fix.value } };
    case 'name':
      return fix.value === current.name ? null : { label: `Name it ${fix.value}`, patch: { name: fix.value } };
    case 'networkMap':
      return { label: `Map ${fix.source} to ${fix.value}`, patch: { networkMap: { ...current.networkMap, [fix.source]: fix.value } } };
    case 'encryption':
      return { label: ENCRYPTION_LABEL[fix.value], patch: {}, encryption: fix.value };
    // The wizard has no power-off choice: the remedy's words say what to do.
    case 'powerOffTarget':
      return null;
  }
}

/**
 * The fixes the planner attached to a finding (`fix`: a request option and its
 * value) become buttons; the remedy's words are for people and are never
 * parsed. A choice already in force is not offered again.
 */
export function remedyActions(finding: PlanFinding, current: RestoreChoices): RemedyAction[] {
  const fixes = finding.fix ?? [];
  const networks = fixes.filter((f) => f.option === 'networkMap').slice(0, MAX_NETWORK_CHOICES);
  return fixes
    .filter((f) => f.option !== 'networkMap' || networks.includes(f))
    .map((f) => action(f, current))
    .filter((a): a is RemedyAction => a !== null);
}
