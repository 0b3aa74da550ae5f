import type { Finding, FindingFix } from '../plan-types';
import type { Scenario } from '../scenario-schema';
import { importedVmInForce, importedVmText } from './imported-vm';

/** The name the restored VM gets: the one asked for, else "<original>-restored". */
export function restoredVmName(s: Scenario): string {
  return s.options.name ?? `${s.restorePoint.vm.name}-restored`;
}

function versionNumber(v: string): number {
  return Number(v.slice('vmx-'.length));
}

/** DATA-HW-VERSION: the version the VM is created with (the explicit choice, else the saved one). */
export function restoredHardwareVersion(s: Scenario): string | null {
  return s.options.hardwareVersion ?? s.restorePoint.vm.hardwareVersion;
}

/** The highest version the target host supports, or null when not known. */
function highestSupported(s: Scenario): string | null {
  const versions = s.target.host.supportedHardwareVersions;
  if (versions.length === 0) return null;
  return [...versions].sort((a, b) => versionNumber(b) - versionNumber(a))[0]!;
}

/** DATA-HW-VERSION, guest half: ESXi refuses a guest OS it does not know for that hardware version (UnsupportedGuest). */
function guestFindings(s: Scenario): Finding[] {
  const guest = s.restorePoint.vm.guestId;
  const supported = s.target.host.supportedGuestIds;
  if (guest === null || supported.length === 0 || supported.includes(guest)) return [];
  const version = restoredHardwareVersion(s);
  return [
    {
      rule: 'DATA-HW-VERSION',
      severity: 'block',
      message: `The target host does not support the guest OS of ${s.restorePoint.vm.name} (${guest})${version ? ` with hardware version ${version}` : ''}; vCenter would refuse to create the VM (UnsupportedGuest).`,
      remedy: 'Restore to a host whose ESXi release knows this guest OS (usually a newer one), or to a cluster that has such a host.',
    },
  ];
}

function hardwareVersionFindings(s: Scenario): Finding[] {
  const saved = s.restorePoint.vm.hardwareVersion;
  const chosen = restoredHardwareVersion(s);
  const supported = s.target.host.supportedHardwareVersions;
  if (chosen === null || supported.length === 0) return [];
  const highest = highestSupported(s)!;
  if (!supported.includes(chosen)) {
    const lower = saved !== null && versionNumber(highest) < versionNumber(saved);
    return [
      {
        rule: 'DATA-HW-VERSION',
        severity: 'block',
        message:
          s.options.hardwareVersion !== null
            ? `The chosen hardware version ${chosen} is not supported by the target host (it supports ${supported.join(', ')}).`
            : `${s.restorePoint.vm.name} has hardware version ${chosen}, which the target host does not support (it supports ${supported.join(', ')}); vCenter would refuse to create the VM.`,
        remedy: lower
          ? `Lower the hardware version to ${highest} (--hardware-version ${highest}; the guest keeps its disks, devices newer than ${highest} are dropped), or restore to a newer host.`
          : `Choose a version the host supports, for example ${highest} (--hardware-version ${highest}).`,
        fix: [{ option: 'hardwareVersion', value: highest }],
      },
    ];
  }
  if (saved !== null && chosen !== saved) {
    return [
      {
        rule: 'DATA-HW-VERSION',
        severity: 'warn',
        message: `${s.restorePoint.vm.name} is restored with hardware version ${chosen} instead of its saved ${saved}, as chosen.`,
        remedy:
          versionNumber(chosen) < versionNumber(saved)
            ? 'Check after the restore that the guest OS still sees its devices; features newer than that version are not available.'
            : 'Nothing to do.',
      },
    ];
  }
  return [];
}

export interface NetworkMapping {
  source: string;
  /** null when no usable network exists (the plan is then blocked). */
  target: string | null;
  /** How the target was decided. */
  how: 'same-name' | 'mapped' | 'automatic' | 'unknown' | 'none';
}

/**
 * DATA-NETWORK-MAP: each source NIC's network on the target host. A missing
 * network goes to the user's mapping, else to the host's first network that is
 * not an uplink port group (a VM cannot be connected to an uplink).
 */
export function networkMappings(s: Scenario): NetworkMapping[] {
  const hostNetworks = s.target.host.networks;
  const usable = hostNetworks.filter((n) => !n.uplink).map((n) => n.name);
  return s.restorePoint.vm.networks.map((source): NetworkMapping => {
    const mapped = s.options.networkMap[source];
    if (mapped !== undefined) return { source, target: mapped, how: 'mapped' };
    if (hostNetworks.length === 0) return { source, target: source, how: 'unknown' };
    if (usable.includes(source)) return { source, target: source, how: 'same-name' };
    return usable.length > 0 ? { source, target: usable[0]!, how: 'automatic' } : { source, target: null, how: 'none' };
  });
}

/** The fixes of the parts a merged finding keeps (their remedies are the ones it shows). */
function fixesOf(parts: ReadonlyArray<Pick<Finding, 'fix'>>): Pick<Finding, 'fix'> {
  const fix = parts.flatMap((p) => p.fix ?? []);
  return fix.length > 0 ? { fix } : {};
}

/** One line per NIC whose network changes; merged into a single finding (one per rule, VM-wide). */
function networkFindings(s: Scenario): Finding[] {
  const hostNetworks = s.target.host.networks;
  const usable = hostNetworks.filter((n) => !n.uplink).map((n) => n.name);
  const choices = usable.join(', ') || '(the host has no VM network)';
  const lines: Array<Pick<Finding, 'severity' | 'message' | 'remedy' | 'fix'>> = [];
  const mapTo = (source: string): FindingFix[] => usable.map((value) => ({ option: 'networkMap', source, value }));
  for (const m of networkMappings(s)) {
    if (m.how === 'mapped' && hostNetworks.length > 0 && !usable.includes(m.target!)) {
      const uplink = hostNetworks.some((n) => n.name === m.target && n.uplink);
      lines.push({
        severity: 'block',
        message: `Network "${m.source}" is mapped to "${m.target}", which ${uplink ? 'is an uplink port group (no VM can be connected to it)' : 'the target host does not have'}.`,
        remedy: `Map "${m.source}" to one of: ${choices}.`,
        fix: mapTo(m.source),
      });
    } else if (m.how === 'mapped' && m.target !== m.source) {
      lines.push({
        severity: 'info',
        message: `The NIC on "${m.source}" is connected to "${m.target}", as mapped.`,
        remedy: 'Nothing to do.',
      });
    } else if (m.how === 'automatic') {
      lines.push({
        severity: 'warn',
        message: `Network "${m.source}" does not exist on the target host${hostNetworks.some((n) => n.name === m.source) ? ' except as an uplink port group' : ''}; its NIC is connected to "${m.target}".`,
        remedy: `If "${m.target}" is wrong for this VM (address conflicts, wrong VLAN), map the network explicitly (--network-map "${m.source}=<network>") to one of: ${choices}.`,
      });
    } else if (m.how === 'none') {
      lines.push({
        severity: 'block',
        message: `Network "${m.source}" does not exist on the target host and the host has no VM network to connect the NIC to (only uplink port groups).`,
        remedy: 'Create a VM port group on the host (or the distributed switch), then map the network to it.',
      });
    }
  }
  if (lines.length === 0) return [];
  const severity = lines.some((l) => l.severity === 'block')
    ? 'block'
    : lines.some((l) => l.severity === 'warn')
      ? 'warn'
      : 'info';
  return [
    {
      rule: 'DATA-NETWORK-MAP',
      severity,
      message: lines.map((l) => l.message).join(' '),
      remedy: [...new Set(lines.filter((l) => l.severity === severity).map((l) => l.remedy))].join(' '),
      ...fixesOf(lines.filter((l) => l.severity === severity)),
    },
  ];
}

/** Findings about the new VM a full-VM restore creates: its name, hardware version, networks, defaults. */
export function newVmFindings(s: Scenario): Finding[] {
  if (s.options.restoreKind !== 'full-vm') return [];
  const out: Finding[] = [];
  const name = restoredVmName(s);
  // DATA-VM-NAME-TAKEN: vCenter refuses a second VM of the same name in one datacenter folder; we refuse earlier.
  if (s.target.existingVmNames.includes(name)) {
    out.push({
      rule: 'DATA-VM-NAME-TAKEN',
      severity: 'block',
      message: `A VM named "${name}" already exists in the target datacenter.`,
      remedy: `Choose another name (--name), for example "${name}-2", or remove or rename the existing VM first.`,
      fix: [{ option: 'name', value: `${name}-2` }],
    });
  }
  // DATA-NO-CONFIGINFO
  const defaults = importedVmInForce(s);
  if (defaults) {
    out.push({
      rule: 'DATA-NO-CONFIGINFO',
      severity: 'warn',
      message: `The restore point has no saved VM configuration (it was imported from a disk image), so "${name}" is built from defaults: ${importedVmText(defaults)}.`,
      remedy:
        'If the guest needs another firmware, guest OS or controller, choose it for the restore (--firmware, --guest-os, --controller, or the restore wizard); add a network card in the vSphere Client before its first power-on.',
    });
  }
  // One DATA-HW-VERSION finding for the VM, as severe as its worst part (a lowered version never hides an unknown guest OS).
  const hw = [...hardwareVersionFindings(s), ...guestFindings(s)];
  const rank = { block: 0, warn: 1, info: 2 } as const;
  const worst = [...hw].sort((a, b) => rank[a.severity] - rank[b.severity])[0];
  if (worst) {
    out.push({
      rule: 'DATA-HW-VERSION',
      severity: worst.severity,
      message: hw.map((f) => f.message).join(' '),
      remedy: hw.filter((f) => f.severity === worst.severity).map((f) => f.remedy).join(' '),
      ...fixesOf(hw.filter((f) => f.severity === worst.severity)),
    });
  }
  out.push(...networkFindings(s));
  return out;
}
