import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, parse, parseDocument, type Pair } from 'yaml';
import { RecoveryPlanFile } from '../../../electron/api/schemas/recovery-plan-file';
import { LAB_SITE_DATASTORES, LAB_SITE_ENCRYPTED_VMS, LAB_SITE_VM_NAMES } from '../../../electron/lab/lab-site-vms';

const file = join(__dirname, '../../../resources/recovery/lab-site-recovery.yaml');
const text = readFileSync(file, 'utf8');

describe('resources/recovery/lab-site-recovery.yaml (the example plan for the site lab)', () => {
  const plan = RecoveryPlanFile.parse(parse(text));
  const entries = plan.groups.flatMap((g) => g.vms.map((v) => ({ group: g.name, ...v })));

  it('is a valid recovery plan file', () => {
    const result = RecoveryPlanFile.safeParse(parse(text));
    expect(result.success, result.error?.message).toBe(true);
    expect(plan.connection).toBe('lab');
  });

  it('restores every site VM once, and only site VMs, in four groups: identity, data, apps, the rest', () => {
    expect(plan.groups.map((g) => g.name)).toEqual(['identity', 'data', 'apps', 'the rest']);
    const names = entries.map((e) => e.vm);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual([...LAB_SITE_VM_NAMES].sort());
    const identity = plan.groups[0]!.vms.map((v) => v.vm);
    expect(identity.filter((n) => /^(dc|dns)\d+$/.test(n))).toEqual(['dc01', 'dc02', 'dns01', 'dns02']);
    expect(plan.groups[1]!.vms.map((v) => v.vm)).toEqual(expect.arrayContaining(['sql01', 'sql02']));
    expect(plan.groups[0]!.stopOnFailure).toBe(true);
    expect(plan.groups[0]!.then.waitFor).toBe('powered-on');
  });

  it('targets the site lab: cluster DC0_C0, the site datastores, a network map, power on', () => {
    expect(plan.defaults.cluster).toBe('DC0_C0');
    expect(plan.defaults.host).toBeUndefined();
    expect(plan.defaults.powerOn).toBe(true);
    expect(plan.defaults.transport).toBe('nbdssl');
    expect(plan.defaults.networkMap).toEqual({ 'VM Network': 'lab-cluster-net' });
    for (const ds of [plan.defaults.datastore, ...entries.map((e) => e.datastore)].filter(Boolean)) {
      expect(LAB_SITE_DATASTORES).toContain(ds);
    }
  });

  it('chooses new keys only for encrypted site VMs, and says so explicitly', () => {
    const rekeyed = entries.filter((e) => e.encryption === 'new-keys');
    expect(rekeyed.length).toBeGreaterThan(0);
    for (const e of rekeyed) {
      expect(LAB_SITE_ENCRYPTED_VMS).toContain(e.vm);
      expect(e.encryptionChosen).toBe(true);
    }
  });

  it('keeps the limits within the rules and says where each cap comes from', () => {
    expect(plan.limits.sanStreamsPerHost).toBeLessThanOrEqual(6); // XPORT-SAN-STREAMS
    const doc = parseDocument(text);
    const limits = doc.get('limits');
    expect(isMap(limits)).toBe(true);
    const map = limits as { items: Pair[]; commentBefore?: string | null };
    const keys = map.items.map((p) => (isScalar(p.key) ? p.key : null));
    expect(keys.map((k) => k?.value)).toEqual(['sanStreamsPerHost', 'nbdStreamsPerHost', 'hotaddStreamsPerHost']);
    // The yaml library hangs the first key's comment on the map itself.
    const comments = keys.map((k, i) => (i === 0 ? (map.commentBefore ?? k?.commentBefore) : k?.commentBefore) ?? '');
    for (const [i, c] of comments.entries()) expect(c.length, `comment before limits.${String(keys[i]?.value)}`).toBeGreaterThan(20);
    expect(comments[0]).toMatch(/XPORT-SAN-STREAMS/);
    expect(comments[1]).toMatch(/NFC/);
    expect(comments[2]).toMatch(/SCSI controller/);
  });
});
