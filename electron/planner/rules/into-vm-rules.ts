import type { Finding } from '../plan-types';
import type { IntoVm, IntoVmDisk, Scenario, ScenarioDisk } from '../scenario-schema';
import { formatBytes } from './exclusion';

/** A disks restore that overwrites the disks of an existing VM (not adding new ones). */
export function overwritesExistingDisks(s: Scenario): boolean {
  return s.options.restoreKind === 'disks' && !s.options.addAsNew;
}

export interface DiskTarget {
  pointKey: number;
  /** The target VM's disk written, or null when none fits (DATA-DISK-MAP blocks). */
  targetKey: number | null;
  how: 'mapped' | 'slot' | 'none';
  problem?: string;
}

function slotOf(d: { controller: string; bus: number; unit: number }): string {
  return `${d.controller} ${d.bus}:${d.unit}`;
}

/**
 * DATA-DISK-MAP: each restore-point disk's target disk in the existing VM: the
 * one the user mapped, else the disk in the same controller slot; either must be
 * at least as large (a smaller disk would cut the data off).
 */
export function diskTargets(s: Scenario, vm: IntoVm): DiskTarget[] {
  const claimed = new Set<number>();
  return s.restorePoint.disks.map((d): DiskTarget => {
    const mapped = s.options.diskMap[String(d.key)];
    const fits = (t: IntoVmDisk | undefined): string | undefined =>
      !t
        ? undefined
        : t.capacityBytes < d.capacityBytes
          ? `${formatBytes(t.capacityBytes)} is smaller than the ${formatBytes(d.capacityBytes)} of ${d.label}`
          : claimed.has(t.key)
            ? `disk ${t.key} is already the target of another disk`
            : undefined;
    if (mapped !== undefined) {
      const t = vm.disks.find((x) => x.key === mapped);
      const problem = t ? fits(t) : `${vm.name} has no disk ${mapped}`;
      if (problem) return { pointKey: d.key, targetKey: null, how: 'none', problem: `mapped to disk ${mapped}, but ${problem}` };
      claimed.add(mapped);
      return { pointKey: d.key, targetKey: mapped, how: 'mapped' };
    }
    const t = vm.disks.find((x) => slotOf(x) === slotOf(d));
    const problem = t ? fits(t) : `${vm.name} has no disk on ${slotOf(d)}`;
    if (problem) return { pointKey: d.key, targetKey: null, how: 'none', problem };
    claimed.add(t!.key);
    return { pointKey: d.key, targetKey: t!.key, how: 'slot' };
  });
}

function allocationUnknown(s: Scenario, vm: IntoVm, targets: DiskTarget[], disk: ScenarioDisk): Finding[] {
  const t = targets.find((x) => x.pointKey === disk.key);
  const target = vm.disks.find((x) => x.key === t?.targetKey);
  if (!target || target.allocationKnown) return [];
  // DATA-ALLOCATION-UNKNOWN: areas the target holds but the point does not must be zeroed; unknown means all of them.
  return [
    {
      rule: 'DATA-ALLOCATION-UNKNOWN',
      severity: 'info',
      disk: disk.key,
      message: `VDDK cannot report which blocks of ${vm.name}'s disk ${target.key} are allocated, so all ${formatBytes(disk.capacityBytes)} of ${disk.label} are written, zeros included.`,
      remedy: 'Nothing to do; the restore takes longer and the report says so.',
    },
  ];
}

/** Findings about the existing VM a disks restore writes into (none when it is not known). */
export function intoVmFindings(s: Scenario): Finding[] {
  const vm = s.options.intoVm;
  if (s.options.restoreKind !== 'disks' || vm === null) return [];
  const out: Finding[] = [];
  if (!vm.exists) {
    return [
      {
        rule: 'DATA-DISK-MAP',
        severity: 'block',
        message: `There is no VM named "${vm.name}" on the target to restore the disks into.`,
        remedy: 'Name an existing VM (--into-vm), or restore the whole VM instead.',
      },
    ];
  }
  // DATA-TARGET-POWERED-ON: ESXi holds a running VM's disks open; VDDK cannot open them for writing.
  if (vm.poweredOn) {
    out.push(
      s.options.powerOffTarget
        ? {
            rule: 'DATA-TARGET-POWERED-ON',
            severity: 'warn',
            message: `${vm.name} is powered on; the restore powers it off first, as chosen (a hard power-off: unsaved work in the guest is lost).`,
            remedy: 'Shut the guest down cleanly yourself first if you can.',
          }
        : {
            rule: 'DATA-TARGET-POWERED-ON',
            severity: 'block',
            message: `${vm.name} is powered on; the disks of a running VM cannot be written.`,
            remedy: `Shut down ${vm.name} (guest shutdown, then check it is powered off) and plan again, or choose the explicit power-off step (--power-off-target).`,
            fix: [{ option: 'powerOffTarget', value: true }],
          },
    );
  }
  if (s.options.addAsNew) return out;
  const targets = diskTargets(s, vm);
  for (const t of targets) {
    if (t.targetKey !== null) continue;
    out.push({
      rule: 'DATA-DISK-MAP',
      severity: 'block',
      disk: t.pointKey,
      message: `No disk of ${vm.name} fits restore-point disk ${t.pointKey}: ${t.problem}.`,
      remedy: `Map the disk explicitly (--disk-map ${t.pointKey}=<target disk key>; ${vm.name} has ${vm.disks.map((d) => `${d.key} ${slotOf(d)} ${formatBytes(d.capacityBytes)}`).join(', ') || 'no disks'}), or add it as a new disk (--add-as-new).`,
    });
  }
  for (const d of s.restorePoint.disks) out.push(...allocationUnknown(s, vm, targets, d));
  return out;
}
