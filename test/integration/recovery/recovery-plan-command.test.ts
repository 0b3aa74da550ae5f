import { readdir, statfs } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryPlanView } from '../../../electron/api/schemas/recovery-schema';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { listVms } from '../../../electron/vsphere/inventory';
import { runCliProcess } from '../../support/cli-process';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { RecoveryService } from '../../../electron/engine/recovery-service';
import { RestoreService } from '../../../electron/engine/restore-service';
import { environmentFactsFor } from '../../../electron/environment/environment-facts';
import { OsKeychain } from '../../../electron/keychain/os-keychain';
import { join } from 'node:path';
import { labVmPoint, MiB } from '../restore/lab-restore-fixture';
import { startRecoveryLab, type RecoveryLab } from './recovery-lab-fixture';

const GiB = 1024 * MiB;
/** Node 20 buffers (the fixture's disk images) stop at 4 GiB; the images are sparse in memory. */
const MAX_DISK = 4 * GiB - MiB;

/**
 * `lifeboat recovery plan` against the lab: a 3-host cluster, one repository
 * with a small site's restore points. Plans change nothing on the target.
 */
describe('lifeboat recovery plan (CLI, lab vCenter with 3 hosts)', () => {
  let f: RecoveryLab;
  let between: string;
  let olderDc01: string;
  let newerDc01: string;
  const bigVms: string[] = [];
  let datastoreFree = 0;

  beforeAll(async () => {
    f = await startRecoveryLab('recovery-plan', ['dc01', 'dns01', 'db01', 'db02', 'app01', 'app02', 'app03'].map((name) => ({ name })), { hosts: 3 });
    olderDc01 = f.points.get('dc01')!.point.id;
    const repo = await Repository.open(new LocalFolderBackend(f.repoDir), 'pw');
    // A second point of dc01, made after `between`: "latest before <between>" must pick the first.
    await new Promise((r) => setTimeout(r, 20));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    newerDc01 = (await labVmPoint(f.session, repo, LAB_VMS.thinThick, { pointVmName: 'dc01' })).point.id;
    // Big eager-zeroed VMs: each fits the datastore's free space alone, all of them together do not.
    const folder = f.lab.info.datastores[0]!.folder;
    const fs = await statfs(folder);
    datastoreFree = fs.bavail * fs.bsize;
    const disk = Math.min(MAX_DISK, Math.floor((datastoreFree * 0.25) / MiB) * MiB);
    const count = Math.ceil((datastoreFree * 1.5) / (2 * disk));
    for (let i = 0; i < count; i++) {
      const name = `big${String(i).padStart(2, '0')}`;
      await labVmPoint(f.session, repo, LAB_VMS.thinThick, { pointVmName: name, capacityBytes: disk, provisioning: 'eagerzeroed' });
      bigVms.push(name);
    }
  }, 600_000);

  afterAll(async () => {
    await f?.close();
  });

  const ds = () => f.lab.info.datastores[0]!.name;
  const cluster = () => f.lab.info.hosts.find((h) => h.cluster)!.cluster!;
  const plan = async (file: string, ...more: string[]) => runCliProcess(f.cli, ['--json', 'recovery', 'plan', file, ...more], f.env);

  it('plans a 3-group plan over a 3-host cluster: the right points, hosts spread, one restore request per VM', async () => {
    const file = await f.writePlan(
      'site.yaml',
      `name: lab site
repository: repo
connection: lab
defaults:
  datastore: ${ds()}
  cluster: ${cluster()}
  powerOn: true
  networkMap: { "VM Network": "VM Network" }
groups:
  - name: identity
    vms:
      - vm: dc01
        point: latest before ${between}
      - vm: dns01
        point: ${f.points.get('dns01')!.point.id.slice(0, 10)}
    then: { delaySeconds: 60 }
  - name: databases
    vms:
      - vm: db01
        encryption: keep
      - vm: db02
        name: db02-dr
  - name: apps
    vms:
      - vm: app01
      - vm: app02
      - vm: app03
        powerOn: false
`,
    );
    const run = await plan(file);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const view = JSON.parse(run.stdout) as RecoveryPlanView;
    expect(view).toMatchObject({ ok: true, name: 'lab site', source: file, repository: f.repoDir, connection: 'lab' });
    expect(view.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(view.groups.map((g) => [g.name, g.vms.map((v) => v.vm), g.waitFor, g.delaySeconds])).toEqual([
      ['identity', ['dc01', 'dns01'], 'powered-on', 60],
      ['databases', ['db01', 'db02'], 'powered-on', 0],
      ['apps', ['app01', 'app02', 'app03'], 'restored', 0],
    ]);
    const vm = (name: string) => view.groups.flatMap((g) => g.vms).find((v) => v.vm === name)!;
    // Points: latest before a time, an id prefix, latest.
    expect(vm('dc01').pointId).toBe(olderDc01);
    expect(newerDc01).not.toBe(olderDc01);
    expect(vm('dns01').pointId).toBe(f.points.get('dns01')!.point.id);
    expect(vm('app01').pointId).toBe(f.points.get('app01')!.point.id);
    // The cluster's 3 hosts share the 3 equal VMs of the apps group, one each; the chosen host is in the request.
    const hosts = f.lab.info.hosts.filter((h) => h.cluster === cluster()).map((h) => h.name).sort();
    expect(hosts).toHaveLength(3);
    expect(['app01', 'app02', 'app03'].map((n) => vm(n).host).sort()).toEqual(hosts);
    for (const v of view.groups.flatMap((g) => g.vms)) {
      expect(v.request.host).toBe(v.host);
      expect(v.request).toMatchObject({ repo: f.repoDir, point: v.pointId, connection: 'lab', datastore: ds(), kind: 'full-vm', networkMap: { 'VM Network': 'VM Network' } });
      expect(v.request).not.toHaveProperty('cluster');
      expect(v.streams).toBeGreaterThan(0);
      expect(v.estimateSeconds).toBeGreaterThan(0);
    }
    expect(vm('app03').request.powerOn).toBe(false);
    expect(vm('app01').request.powerOn).toBe(true);
    expect(vm('db01').request).toMatchObject({ encryption: 'keep', encryptionChosen: true });
    expect(vm('db02').request.encryptionChosen).toBe(false);
    expect(vm('db02').vmName).toBe('db02-dr');
    expect(vm('app01').vmName).toBe('app01-restored');
    // The checks across VMs: one datastore with every VM, the hosts with their caps, estimates summed.
    expect(view.datastores).toEqual([expect.objectContaining({ name: ds(), ok: true, vms: ['dc01', 'dns01', 'db01', 'db02', 'app01', 'app02', 'app03'] })]);
    expect(view.datastores[0]!.freeBytes).toBeGreaterThan(0);
    expect(view.hosts.map((h) => h.name)).toEqual(hosts);
    expect(view.hosts[0]!.caps).toEqual({ san: 6, nbd: 50, hotadd: 15 });
    expect(view.estimateSeconds).toBe(view.groups.reduce((n, g) => n + g.estimateSeconds!, 0) + 60);

    // The text form says the same for a person.
    const text = await runCliProcess(f.cli, ['recovery', 'plan', file], f.env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Recovery plan "lab site"');
    expect(text.stdout).toMatch(/Group 1: identity — estimate .*powered-on \+ 60 s/);
    expect(text.stdout).toContain(`dc01 → dc01-restored`);
    expect(text.stdout).toContain(`${ds()}: needs`);
    expect(text.stdout).toMatch(new RegExp(`${hosts[0]}: \\d+ streams?; caps SAN 6, NBD/NBDSSL 50, HotAdd 15`));
  });

  it('a plan with insufficient space on one datastore is blocked before anything runs (DATA-THICK-SPACE across the plan)', async () => {
    const vmsBefore = (await listVms(f.session)).map((v) => v.name).sort();
    const filesBefore = await readdir(f.lab.info.datastores[0]!.folder);
    const file = await f.writePlan(
      'too-big.yaml',
      `name: too big
repository: ${f.repoDir}
connection: lab
defaults: { datastore: ${ds()}, host: ${f.lab.info.hosts[0]!.name} }
groups:
  - name: big
    vms:
${bigVms.map((n) => `      - vm: ${n}`).join('\n')}
`,
    );
    const run = await plan(file);
    expect(run.code, run.stderr + run.stdout).toBe(3);
    const view = JSON.parse(run.stdout) as RecoveryPlanView;
    expect(view.ok).toBe(false);
    // Each VM fits alone: only the plan as a whole is too big.
    for (const v of view.groups[0]!.vms) {
      expect(v.ok).toBe(true);
      expect(v.thickBytes).toBeLessThan(datastoreFree);
    }
    const finding = view.findings.find((x) => x.rule === 'DATA-THICK-SPACE')!;
    expect(finding).toMatchObject({ severity: 'block', datastore: ds() });
    expect(finding.message).toContain(`datastore ${ds()}`);
    for (const n of bigVms) expect(finding.message).toContain(n);
    expect(view.datastores[0]).toMatchObject({ name: ds(), ok: false });
    expect(view.datastores[0]!.neededBytes).toBeGreaterThan(view.datastores[0]!.freeBytes!);
    // Text: the finding with its rule and remedy.
    const text = await runCliProcess(f.cli, ['recovery', 'plan', file], f.env);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(/\[block\] DATA-THICK-SPACE: .*\n\s+→ Free at least/);
    expect(text.stdout).toContain('TOO SMALL');
    // Nothing was created on the target.
    expect((await listVms(f.session)).map((v) => v.name).sort()).toEqual(vmsBefore);
    expect(await readdir(f.lab.info.datastores[0]!.folder)).toEqual(filesBefore);
  });

  it('blocks two VMs of the plan restored under one name (DATA-VM-NAME-TAKEN), naming both', async () => {
    const file = await f.writePlan(
      'same-name.yaml',
      `name: same name
repository: repo
connection: lab
defaults: { datastore: ${ds()} }
groups:
  - name: one
    vms: [{ vm: app01, name: app-dr }]
  - name: two
    vms: [{ vm: app02, name: app-dr }]
`,
    );
    const run = await plan(file);
    expect(run.code, run.stderr).toBe(3);
    const view = JSON.parse(run.stdout) as RecoveryPlanView;
    expect(view.findings).toEqual([
      expect.objectContaining({ rule: 'DATA-VM-NAME-TAKEN', severity: 'block', vm: 'app02', message: expect.stringContaining('"app01" (group one) and "app02" (group two) would both be restored as "app-dr"') }),
    ]);
  });

  it('plans plan text (as the UI sends it) with its repository relative to baseDir, through the engine service', async () => {
    const home = f.env.LIFEBOAT_HOME!;
    const connections = new ConnectionStore(home);
    const secrets = new OsKeychain();
    const openRepository = (path: string) => Repository.open(new LocalFolderBackend(path), 'pw');
    const restore = new RestoreService({ home, connections, secrets, environment: () => environmentFactsFor(home, 'cli', secrets), openRepository, vddk: () => Promise.reject(new Error('a plan needs no VDDK')) });
    const service = new RecoveryService({ home, restore, connections, secrets, openRepository });
    const text = `name: from the UI\nrepository: repo\nconnection: lab\ndefaults: { datastore: ${ds()} }\ngroups:\n  - name: one\n    vms: [{ vm: app01 }, { vm: db01, host: ${f.lab.info.hosts[1]!.name} }]\n`;
    const view = await service.plan({ text, name: 'ui-plan.yaml', baseDir: f.dir });
    expect(view).toMatchObject({ ok: true, source: 'ui-plan.yaml', repository: join(f.dir, 'repo') });
    expect(view.groups[0]!.vms.map((v) => [v.vm, v.host, v.request.host])).toEqual([
      // No host or cluster: the restore's own choice, said in the view, left out of the request as for a single restore.
      ['app01', expect.any(String), undefined],
      ['db01', f.lab.info.hosts[1]!.name, f.lab.info.hosts[1]!.name],
    ]);
    await expect(service.plan({ text: text.replace('repository: repo', 'repository: nowhere'), name: 'ui-plan.yaml', baseDir: f.dir })).rejects.toThrow(join(f.dir, 'nowhere'));
  });

  it('names the file, line, column and field of every problem (exit 2), the repository included', async () => {
    const file = await f.writePlan(
      'bad.yaml',
      `name: bad
repository: repo
connection: lab
defaults:
  datastore: ${ds()}
  powerOn: "yes"
groups:
  - name: one
    vms:
      - vm: dc01
        pont: latest
`,
    );
    const run = await runCliProcess(f.cli, ['recovery', 'plan', file], f.env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:6:12: defaults.powerOn: expected true or false, got text "yes"`);
    expect(run.stderr).toContain(`${file}:11:9: groups[0].vms[0].pont: unknown key "pont" (did you mean "point"?)`);
    expect(run.stderr).toContain('example-recovery-plan.yaml');

    const missing = await f.writePlan('missing.yaml', `name: m\nrepository: repo\nconnection: lab\ndefaults: { datastore: ${ds()} }\ngroups:\n  - name: one\n    vms:\n      - vm: DC01\n      - vm: dns01\n        point: latest before 2001-01-01\n`);
    const json = await runCliProcess(f.cli, ['--json', 'recovery', 'plan', missing], f.env);
    expect(json.code).toBe(2);
    const error = JSON.parse(json.stdout).error;
    expect(error.code).toBe('invalid-recovery-plan');
    expect(error.message).toMatch(/missing\.yaml:8:\d+: groups\[0\]\.vms\[0\]\.point: the repository has no restore point of VM "DC01"; it has points of .*"dc01"/);
    expect(error.message).toMatch(/missing\.yaml:10:\d+: groups\[0\]\.vms\[1\]\.point: VM "dns01" has no restore point before 2001-01-01T00:00:00.000Z; its oldest is from 20/);

    // What only the target can say (a datastore it does not have) names the VM's entry too.
    const nods = await f.writePlan('nods.yaml', `name: n\nrepository: repo\nconnection: lab\ndefaults: { datastore: ${ds()} }\ngroups:\n  - name: one\n    vms:\n      - vm: dc01\n      - { vm: dns01, datastore: NoSuchDS }\n`);
    const target = await runCliProcess(f.cli, ['recovery', 'plan', nods], f.env);
    expect(target.code).toBe(2);
    expect(target.stderr).toContain(`${nods}:9:9: VM "dns01" (group one): datastore "NoSuchDS" not found on the target`);
  });
});
