import type { RecoveryPlanFile, RecoveryRestoreOptions } from '../api/schemas/recovery-plan-file';
import { formatPlanPath, type PlanPath } from './recovery-plan-path';
import type { PlanProblem } from './recovery-plan-schema-issues';
import { parsePointSelector } from './point-selector';

/** Where another field is, for messages that point at both places ("line 12"). */
export type LineOf = (path: PlanPath) => number;

function placement(options: RecoveryRestoreOptions, at: PlanPath): PlanProblem[] {
  if (options.host === undefined || options.cluster === undefined) return [];
  return [
    {
      path: [...at, 'cluster'],
      part: 'key',
      message: 'give either host or cluster, not both: host restores every VM through that one ESXi host, cluster spreads the VMs over its connected hosts',
    },
  ];
}

/** The checks a schema cannot say: placement, point times, names used twice, what a group waits for. */
export function checkPlanFile(file: RecoveryPlanFile, lineOf: LineOf): PlanProblem[] {
  const out: PlanProblem[] = [...placement(file.defaults, ['defaults'])];
  const groupSeen = new Map<string, number>();
  const vmSeen = new Map<string, PlanPath>();
  file.groups.forEach((group, g) => {
    const earlier = groupSeen.get(group.name);
    if (earlier !== undefined) {
      out.push({
        path: ['groups', g, 'name'],
        part: 'value',
        message: `group name "${group.name}" is already used by groups[${earlier}] (line ${lineOf(['groups', earlier, 'name'])}); give each group its own name`,
      });
    } else groupSeen.set(group.name, g);
    group.vms.forEach((entry, v) => {
      const at: PlanPath = ['groups', g, 'vms', v];
      out.push(...placement(entry, at));
      const first = vmSeen.get(entry.vm);
      if (first) {
        out.push({
          path: [...at, 'vm'],
          part: 'value',
          message: `VM "${entry.vm}" is already listed at ${formatPlanPath(first)} (line ${lineOf([...first, 'vm'])}); a plan restores each VM once, so remove one of the entries`,
        });
      } else vmSeen.set(entry.vm, at);
      if (parsePointSelector(entry.point).kind === 'invalid-time') {
        out.push({
          path: [...at, 'point'],
          part: 'value',
          message: `"${entry.point}" does not name a time; write an ISO time such as "latest before 2026-11-28T18:00:00Z"`,
        });
      }
      if ((entry.datastore ?? file.defaults.datastore) === undefined) {
        out.push({ path: at, part: 'value', message: `no datastore for VM "${entry.vm}": set defaults.datastore, or datastore: on this VM` });
      }
    });
    const offVm = group.vms.findIndex((e) => !(e.powerOn ?? file.defaults.powerOn ?? false));
    if (group.then.waitFor === 'powered-on' && offVm >= 0) {
      out.push({
        path: ['groups', g, 'then', 'waitFor'],
        part: 'value',
        message: `the group waits for its VMs to be powered on, but VM "${group.vms[offVm]!.vm}" (line ${lineOf(['groups', g, 'vms', offVm])}) is not powered on after its restore; set powerOn: true for the group's VMs (or in defaults), or waitFor: restored`,
      });
    }
  });
  return out;
}

/** The default of `then.waitFor`: powered-on when every VM of the group powers on, else restored. */
export function withWaitForDefaults(file: RecoveryPlanFile): RecoveryPlanFile {
  return {
    ...file,
    groups: file.groups.map((group) => ({
      ...group,
      then: {
        ...group.then,
        waitFor: group.then.waitFor ?? (group.vms.every((e) => e.powerOn ?? file.defaults.powerOn ?? false) ? 'powered-on' : 'restored'),
      },
    })),
  };
}
