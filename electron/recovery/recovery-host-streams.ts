import type { RecoveryLimits } from '../api/schemas/recovery-plan-file';
import type { RecoveryFinding, RecoveryGroupPlan, RecoveryHostUse } from '../api/schemas/recovery-schema';
import type { StreamCaps } from './group-schedule';
import { streamKind } from './recovery-vm-plan';

/** The per-host caps of a plan's limits (recovery/README.md says where each number comes from). */
export function streamCaps(limits: RecoveryLimits): StreamCaps {
  return { san: limits.sanStreamsPerHost, hotadd: limits.hotaddStreamsPerHost, nbd: limits.nbdStreamsPerHost };
}

/**
 * Streams per host: per VM, min(disks written, its plan's streams per host);
 * per host, the most any one group would open there at once (groups run one
 * after another). XPORT-SAN-STREAMS when a group wants more SAN streams on a
 * host than its cap: the run holds it to the cap.
 */
export function hostStreams(groups: readonly RecoveryGroupPlan[], limits: RecoveryLimits): { hosts: RecoveryHostUse[]; findings: RecoveryFinding[] } {
  const caps = streamCaps(limits);
  const vms = groups.flatMap((g) => g.vms);
  const names = [...new Set(vms.map((v) => v.host).filter((h): h is string => h !== null))].sort();
  const findings: RecoveryFinding[] = [];
  const hosts = names.map((name) => {
    let peak = 0;
    for (const group of groups) {
      const here = group.vms.filter((v) => v.host === name);
      peak = Math.max(peak, here.reduce((n, v) => n + v.streams, 0));
      const san = here.filter((v) => streamKind(v.transports) === 'san').reduce((n, v) => n + v.streams, 0);
      if (san > caps.san) {
        findings.push({
          rule: 'XPORT-SAN-STREAMS',
          severity: 'info',
          group: group.name,
          host: name,
          message: `Group ${group.name} would open ${san} SAN streams to host ${name} at once; SAN throughput to one ESXi host drops beyond ${caps.san}, so the run keeps at most ${caps.san} open and starts the rest as streams free up.`,
          remedy: 'Nothing to do; the estimate allows for it. Spread the group over more hosts (cluster:) to finish sooner.',
        });
      }
    }
    return { name, caps: { ...caps }, vms: vms.filter((v) => v.host === name).map((v) => v.vm), peakStreamsWanted: peak };
  });
  return { hosts, findings };
}
