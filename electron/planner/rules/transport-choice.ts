import type { Finding, FindingFix } from '../plan-types';
import type { RuleId } from '../rule-catalogue';
import { TRANSPORT_SPEED_ORDER, type Scenario, type ScenarioDisk, type TransportName } from '../scenario-schema';
import { orList, type Exclusion } from './exclusion';
import { diskHotaddExclusions, vmHotaddExclusions } from './hotadd-exclusions';
import { diskSanExclusions, vmSanExclusions } from './san-exclusions';

export interface DiskTransportChoice {
  key: number;
  transport: TransportName | null;
  excluded: Partial<Record<TransportName, RuleId[]>>;
  chosenBy: 'auto' | 'options';
  why: string;
}

export interface TransportChoice {
  disks: DiskTransportChoice[];
  findings: Finding[];
}

function excludedMap(exclusions: readonly Exclusion[]): Partial<Record<TransportName, RuleId[]>> {
  const map: Partial<Record<TransportName, RuleId[]>> = {};
  for (const t of TRANSPORT_SPEED_ORDER) {
    const rules = exclusions.filter((e) => e.transport === t).map((e) => e.rule);
    if (rules.length > 0) map[t] = rules;
  }
  return map;
}

function describeExcluded(map: Partial<Record<TransportName, RuleId[]>>): string {
  return TRANSPORT_SPEED_ORDER.filter((t) => map[t])
    .map((t) => `${t} by ${map[t]!.join(', ')}`)
    .join('; ');
}

/**
 * Severity of a transport exclusion in this plan. The catalogue says block, but
 * a transport the plan does not need blocks nothing: under `auto` the planner
 * simply takes the next transport, so the finding only explains (info). It is a
 * block exactly when the user named that transport (we never substitute).
 */
function exclusionSeverity(s: Scenario, e: Exclusion): Finding['severity'] {
  return s.options.transport === e.transport ? 'block' : 'info';
}

/** Auto (the planner picks the fastest allowed), then each transport the remedy names. */
function transportFixes(instead: readonly TransportName[]): FindingFix[] {
  return [{ option: 'transport', value: 'auto' }, ...instead.map((value) => ({ option: 'transport' as const, value }))];
}

function exclusionFinding(s: Scenario, e: Exclusion, disk: number | undefined, instead: readonly TransportName[]): Finding {
  const severity = exclusionSeverity(s, e);
  const remedy =
    severity === 'block'
      ? `${e.remedy} ${instead.length > 0 ? `Transports that would work: ${instead.join(', ')} (or choose auto).` : 'No other transport would work either.'}`
      : e.remedy;
  return {
    rule: e.rule,
    severity,
    ...(disk !== undefined ? { disk } : {}),
    transport: e.transport,
    message:
      severity === 'block'
        ? `${e.message} The requested transport ${e.transport} cannot be used.`
        : `${e.message} ${e.transport} is not used.`,
    remedy,
    ...(severity === 'block' ? { fix: transportFixes(instead) } : {}),
  };
}

/**
 * Picks a transport per disk (restore-rules.md, Transport choice) and reports
 * every exclusion: VM-wide rules once without a disk, disk rules once per disk.
 */
export function chooseTransports(s: Scenario): TransportChoice {
  const requested = s.options.transport;
  const vmExclusions = [...vmSanExclusions(s), ...vmHotaddExclusions(s)];
  const findings: Finding[] = [];
  const disks: DiskTransportChoice[] = [];
  // Transports that work for at least one disk, for the VM-wide findings' remedy.
  const workingAnywhere = new Set<TransportName>();

  for (const disk of s.restorePoint.disks) {
    const diskExclusions = [...diskSanExclusions(s, disk), ...diskHotaddExclusions(s, disk)];
    const hard = excludedMap([...vmExclusions, ...diskExclusions]);
    const allowed = TRANSPORT_SPEED_ORDER.filter((t) => !hard[t]);
    allowed.forEach((t) => workingAnywhere.add(t));
    for (const e of diskExclusions) findings.push(exclusionFinding(s, e, disk.key, allowed));

    const choice =
      requested === 'auto' ? chooseAuto(disk, allowed, hard, findings) : chooseNamed(disk, requested, allowed, hard, findings);
    disks.push({ key: disk.key, ...choice });

    // XPORT-NO-AVAILABLE: the one place a disk's whole exclusion list is spelled out. With today's
    // rules nothing excludes nbdssl, so under auto it only fires when a transport was named.
    if (choice.transport === null) {
      findings.push({
        rule: 'XPORT-NO-AVAILABLE',
        severity: 'block',
        disk: disk.key,
        excludedBy: choice.excluded,
        message: `No transport can write ${disk.label}${requested === 'auto' ? '' : ` with the requested ${requested}`}: excluded ${describeExcluded(choice.excluded)}.`,
        remedy:
          allowed.length > 0
            ? `Choose ${orList(allowed)} for this disk (or auto), or remove the cause of the exclusions above.`
            : 'Remove the cause of one of the exclusions above (see each rule), then plan again.',
        ...(allowed.length > 0 ? { fix: transportFixes(allowed) } : {}),
      });
    }
  }

  const allowedAnywhere = TRANSPORT_SPEED_ORDER.filter((t) => workingAnywhere.has(t));
  const vmFindings = vmExclusions.map((e) => exclusionFinding(s, e, undefined, allowedAnywhere));
  return { disks, findings: [...vmFindings, ...findings] };
}

function chooseAuto(
  disk: ScenarioDisk,
  allowed: readonly TransportName[],
  hard: Partial<Record<TransportName, RuleId[]>>,
  findings: Finding[],
): Omit<DiskTransportChoice, 'key'> {
  const excluded = { ...hard };
  let candidates = [...allowed];
  // XPORT-SAN-THIN-SLOW: SAN allocates thin blocks one round trip at a time; prefer the next transport.
  if (disk.provisioning === 'thin' && candidates[0] === 'san' && candidates.length > 1) {
    candidates = candidates.slice(1);
    excluded.san = ['XPORT-SAN-THIN-SLOW'];
    findings.push({
      rule: 'XPORT-SAN-THIN-SLOW',
      severity: 'warn',
      disk: disk.key,
      transport: 'san',
      message: `${disk.label} is thin; SAN would be slow writing it (every new block is allocated through the host), so auto uses ${candidates[0]} instead.`,
      remedy: 'Nothing to do under auto. Naming san explicitly is allowed but slower for thin disks.',
    });
  }
  const transport = candidates[0] ?? null;
  const skipped = TRANSPORT_SPEED_ORDER.slice(0, transport ? TRANSPORT_SPEED_ORDER.indexOf(transport) : undefined)
    .filter((t) => excluded[t])
    .map((t) => `${t} (${excluded[t]!.join(', ')})`);
  const why =
    transport === null
      ? 'No transport is allowed for this disk.'
      : skipped.length === 0
        ? `${transport} is the fastest transport and no rule excludes it.`
        : `${transport} is the fastest transport left; excluded: ${skipped.join('; ')}.`;
  return { transport, excluded, chosenBy: 'auto', why };
}

function chooseNamed(
  disk: ScenarioDisk,
  requested: TransportName,
  allowed: readonly TransportName[],
  hard: Partial<Record<TransportName, RuleId[]>>,
  findings: Finding[],
): Omit<DiskTransportChoice, 'key'> {
  if (hard[requested]) {
    return {
      transport: null,
      excluded: hard,
      chosenBy: 'options',
      why: `The requested ${requested} is excluded by ${hard[requested]!.join(', ')}; Lifeboat does not substitute another transport.`,
    };
  }
  // XPORT-SAN-THIN-SLOW: explicitly requested SAN for a thin disk is allowed, with a warning.
  if (requested === 'san' && disk.provisioning === 'thin') {
    const faster = allowed.filter((t) => t !== 'san');
    findings.push({
      rule: 'XPORT-SAN-THIN-SLOW',
      severity: 'warn',
      disk: disk.key,
      transport: 'san',
      message: `${disk.label} is thin; writing it over SAN works but is slow (each new block is allocated through the host).`,
      remedy: faster.length > 0 ? `Choose auto or ${faster[0]} for thin disks.` : 'Expect a slower restore for this disk.',
      ...(faster.length > 0 ? { fix: [{ option: 'transport', value: 'auto' }, { option: 'transport', value: faster[0]! }] satisfies FindingFix[] } : {}),
    });
  }
  return {
    transport: requested,
    excluded: hard,
    chosenBy: 'options',
    why: `${requested} was requested in the options and no rule excludes it.`,
  };
}
