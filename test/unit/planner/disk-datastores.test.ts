import { describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { formatPlanText } from '../../../electron/planner/plan-text';
import { parseScenario } from '../../../electron/planner/scenario-parse';
import { BASE, GiB, HOTADD_WORKSTATION, SAN_WORKSTATION, disk, findings, merge, scenario, steps } from './scenario-builder';

/** Two disks; ds1 (the VM's, a VMFS LUN) and an NFS datastore "nfs1" the target also has. */
const TWO_DISKS = {
  target: {
    datastore: { name: 'ds1', freeBytes: 100 * GiB },
    datastores: [{ name: 'nfs1', type: 'NFS', lun: null, freeBytes: 50 * GiB, nfsSeekData: false }],
  },
  restorePoint: {
    disks: [
      { key: 2000, label: 'Hard disk 1', capacityBytes: 40 * GiB, allocatedBytes: 10 * GiB, provisioning: 'thin' },
      { key: 2001, label: 'Hard disk 2', capacityBytes: 30 * GiB, allocatedBytes: 20 * GiB, provisioning: 'thin' },
    ],
  },
};
const onNfs = (extra: Record<string, unknown> = {}) => scenario(merge(merge(TWO_DISKS, { options: { diskDatastores: { '2001': 'nfs1' } } }), extra));

describe('options.diskDatastores: each disk on its own datastore', () => {
  it('places each disk (key, or "*" for the rest) and says where in the plan; the VM home stays on target.datastore', () => {
    const plan = planRestore(onNfs());
    expect(plan.disks.map((d) => d.datastore)).toEqual(['ds1', 'nfs1']);
    expect(steps(plan, 'STEP-CONFIG-FROM-CONFIGINFO').find((s) => /^Create/.test(s.description))!.description).toMatch(
      /on datastore ds1 from the ConfigSpec, its disk Hard disk 2 on datastore nfs1\./,
    );
    const all = planRestore(scenario(merge(TWO_DISKS, { options: { diskDatastores: { '*': 'nfs1', '2000': 'ds1' } } })));
    expect(all.disks.map((d) => d.datastore)).toEqual(['ds1', 'nfs1']);
    expect(formatPlanText(plan)).toMatch(/2001 Hard disk 2 → datastore nfs1:/);
    // Without the option every disk goes to target.datastore, and the plan reads as before.
    expect(formatPlanText(planRestore(scenario(TWO_DISKS)))).not.toMatch(/→ datastore/);
    expect(planRestore(scenario(TWO_DISKS)).disks.map((d) => d.datastore)).toEqual(['ds1', 'ds1']);
  });

  it('sums space per datastore: DATA-THIN-SPACE / DATA-THICK-SPACE judge each disk against its own datastore', () => {
    // Together the thin disks fit ds1's 100 GiB; Hard disk 2 alone does not fit a small nfs1.
    const small = onNfs({ target: { datastores: [{ name: 'nfs1', type: 'NFS', lun: null, freeBytes: 5 * GiB }] } });
    const plan = planRestore(small);
    expect(findings(plan, 'DATA-THIN-SPACE')).toEqual([expect.objectContaining({ disk: 2001, message: expect.stringMatching(/datastore nfs1/) })]);
    // Thick disks on ds1 that fit only because the other one went elsewhere.
    const thick = (diskDatastores: Record<string, string>) =>
      planRestore(
        scenario(
          merge(TWO_DISKS, {
            target: { datastore: { freeBytes: 50 * GiB }, datastores: [{ name: 'nfs1', type: 'NFS', lun: null, freeBytes: 50 * GiB }] },
            restorePoint: { disks: TWO_DISKS.restorePoint.disks.map((d) => ({ ...d, provisioning: 'eagerzeroed' })) },
            options: { diskDatastores },
          }),
        ),
      );
    expect(findings(thick({}), 'DATA-THICK-SPACE')).toHaveLength(1);
    expect(findings(thick({ '2001': 'nfs1' }), 'DATA-THICK-SPACE')).toHaveLength(0);
  });

  it('DATA-NFS-THIN-INFLATE for the disk on the NFS datastore only', () => {
    expect(findings(planRestore(onNfs()), 'DATA-NFS-THIN-INFLATE').map((f) => f.disk)).toEqual([2001]);
  });

  it('SAN exclusions per disk\'s datastore: the disk on NFS cannot go over SAN, the one on the LUN can (then XPORT-SAN-RESTORE-SNAPSHOT)', () => {
    const plan = planRestore(onNfs(merge(SAN_WORKSTATION, { restorePoint: { disks: TWO_DISKS.restorePoint.disks.map((d) => ({ ...d, provisioning: 'eagerzeroed' })) } })));
    expect(disk(plan, 2000).transport).toBe('san');
    expect(disk(plan, 2001).excluded.san).toEqual(['XPORT-SAN-NO-LUN', 'XPORT-SAN-LOCAL-DATASTORE']);
    expect(disk(plan, 2001).transport).toBe('nbdssl');
    expect(findings(plan, 'XPORT-SAN-NO-LUN')).toEqual([expect.objectContaining({ disk: 2001 })]);
    expect(steps(plan, 'XPORT-SAN-RESTORE-SNAPSHOT')).toHaveLength(2);
    // All disks on the NFS datastore: no SAN at all, and the exclusion is VM-wide as for one datastore.
    const allNfs = planRestore(scenario(merge(merge(TWO_DISKS, SAN_WORKSTATION), { options: { diskDatastores: { '*': 'nfs1' } } })));
    expect(findings(allNfs, 'XPORT-SAN-NO-LUN')).toEqual([expect.not.objectContaining({ disk: expect.anything() })]);
    expect(steps(allNfs, 'XPORT-SAN-RESTORE-SNAPSHOT')).toHaveLength(0);
  });

  it('HotAdd per disk\'s datastore: the proxy must reach it (XPORT-HOTADD-SAME-VCENTER)', () => {
    const plan = planRestore(onNfs(HOTADD_WORKSTATION));
    expect(disk(plan, 2000).transport).toBe('hotadd');
    expect(disk(plan, 2001).excluded.hotadd).toEqual(['XPORT-HOTADD-SAME-VCENTER']);
    expect(findings(plan, 'XPORT-HOTADD-SAME-VCENTER')[0]!.message).toMatch(/cannot reach datastore nfs1/);
  });

  it('a datastore the scenario does not describe, or a disk the point does not have, is a scenario error naming it', () => {
    const bad = parseScenario(merge(BASE, { options: { diskDatastores: { '2000': 'nowhere', '2999': 'ds1' } } }));
    expect(bad.ok).toBe(false);
    const text = bad.ok ? '' : bad.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    expect(text).toMatch(/diskDatastores.*datastore "nowhere"/);
    expect(text).toMatch(/no disk 2999/);
  });
});
