import type { PlanFinding } from '../../../electron/api/contract';
import type { RestoreChoices, TransportChoice } from './restore-choices';

/** A one-click fix the plan page offers: a label and the choice it sets (the plan is then made again). */
export interface RemedyAction {
  label: string;
  patch: Partial<RestoreChoices>;
}

const TRANSPORT_LABEL: Record<string, string> = { san: 'SAN', hotadd: 'HotAdd', nbdssl: 'NBDSSL', nbd: 'NBD' };
const TRANSPORTS = ['san', 'hotadd', 'nbdssl', 'nbd'];
const list = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('('));

/**
 * The remedies the planner words with a concrete value become buttons. The
 * planner's remedy sentences name the exact option (`choose auto`,
 * `--hardware-version vmx-19`, `Choose one of: …`); only those are offered,
 * never a guess.
 */
export function remedyActions(finding: PlanFinding, current: RestoreChoices): RemedyAction[] {
  const r = finding.remedy;
  const out: RemedyAction[] = [];
  const useTransport = (t: TransportChoice) => {
    if (t !== current.transport) out.push({ label: t === 'auto' ? 'Choose auto' : `Use ${TRANSPORT_LABEL[t] ?? t}`, patch: { transport: t } });
  };
  if (/\bchoose auto\b/i.test(r)) useTransport('auto');
  const work = /Transports that would work: ([a-z, ]+)/.exec(r);
  if (work) for (const t of list(work[1]!).filter((x) => TRANSPORTS.includes(x))) useTransport(t as TransportChoice);
  const hw = /--hardware-version (vmx-\d+)/.exec(r);
  if (hw && hw[1] !== current.hardwareVersion) out.push({ label: `Use hardware version ${hw[1]}`, patch: { hardwareVersion: hw[1] } });
  if (finding.rule === 'CRYPT-POLICY-MISSING') {
    const policies = /Choose one of: (.+?) \(--storage-policy\)/.exec(r);
    for (const p of policies ? list(policies[1]!) : []) out.push({ label: `Use policy ${p}`, patch: { storagePolicy: p } });
  }
  if (finding.rule === 'DATA-VM-NAME-TAKEN') {
    const name = /for example "([^"]+)"/.exec(r);
    if (name) out.push({ label: `Name it ${name[1]}`, patch: { name: name[1] } });
  }
  if (finding.rule === 'DATA-NETWORK-MAP') {
    const map = /Map "([^"]+)" to one of: (.+)\.$/.exec(r);
    if (map) {
      for (const n of list(map[2]!).slice(0, 4)) out.push({ label: `Map ${map[1]} to ${n}`, patch: { networkMap: { ...current.networkMap, [map[1]!]: n } } });
    }
  }
  return out;
}
