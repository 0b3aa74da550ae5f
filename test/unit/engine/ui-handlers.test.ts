import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult, JobHistoryRow, JobReportView, JobSnapshot, OpenedRepository, PointDetails, RestoreTargets } from '../../../electron/api/contract';
import { keychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { saveLabConnection } from '../../../electron/lab/lab-connection';
import { labStatePaths } from '../../../electron/lab/lab-state';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { encryptedVmPoint, labSession } from '../../integration/restore/lab-restore-fixture';

function value<T>(r: CallResult): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/**
 * The engine calls the workstation UI needs, through the dispatcher against the
 * lab: the target pickers, the VM name check, a point's badges, per-disk
 * progress and the step checklist, resume of a cancelled job, jobs on disk and
 * their reports, and Power on.
 */
describe('UI handlers (engine API, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let home: string;
  let session: VimSession;
  let pointId: string;
  let engine: LifeboatEngine;
  const secrets = new MemorySecretStore();
  const vddkConfig = (extra: Record<string, string | number> = {}) =>
    writeFile(labStatePaths.vddkConfig(home), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter', ...extra } }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-ui-api-'));
    home = join(dir, 'home');
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
    pointId = (await encryptedVmPoint(session, join(dir, 'repo'))).point.id;
    await saveLabConnection(home, lab.info);
    await secrets.set(keychainAccount((await new ConnectionStore(home).get('lab'))!), lab.info.password);
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await vddkConfig();
    engine = createEngine({ frontDoor: 'cli', home, secretStore: secrets, env: { ...process.env, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' } });
  }, 240_000);

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('offers the lab inventory to the pickers and checks VM names live', async () => {
    const t = value<RestoreTargets>(await engine.dispatcher.call('inventory.restoreTargets', { connection: 'lab' }));
    // The lab has a second datacenter (a DR site): every host, cluster and folder says which one it is in.
    expect(t.datacenters.map((d) => d.name)).toContain(lab.info.datacenter);
    expect(t.datacenters.length).toBeGreaterThan(1);
    expect(t.hosts.map((h) => h.name)).toEqual(expect.arrayContaining(lab.info.hosts.map((h) => h.name)));
    expect(t.hosts.filter((h) => lab.info.hosts.some((l) => l.name === h.name)).every((h) => h.datacenter === lab.info.datacenter)).toBe(true);
    expect(t.computeResources.every((c) => c.datacenter !== null)).toBe(true);
    expect(t.vmFolders.every((f) => f.datacenter !== null)).toBe(true);
    expect(t.datastores.map((d) => d.name)).toEqual(expect.arrayContaining(lab.info.datastores.map((d) => d.name)));
    expect(t.datastores.every((d) => d.freeBytes > 0 && d.capacityBytes >= d.freeBytes)).toBe(true);
    expect(t.hosts.find((h) => h.usable)!.networks.length).toBeGreaterThan(0);
    expect(t.vmFolders.length).toBeGreaterThan(0);
    expect(value<{ inUse: boolean }>(await engine.dispatcher.call('inventory.vmNameInUse', { connection: 'lab', name: LAB_VMS.encrypted })).inUse).toBe(true);
    expect(value<{ inUse: boolean }>(await engine.dispatcher.call('inventory.vmNameInUse', { connection: 'lab', name: 'no-such-vm' })).inUse).toBe(false);
    const missing = await engine.dispatcher.call('inventory.restoreTargets', { connection: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('connection-not-found');
  });

  it('shows a point’s badges and disk sizes', async () => {
    const repo = value<OpenedRepository>(await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo'), password: 'pw' }));
    const d = value<PointDetails>(await engine.dispatcher.call('repositories.pointDetails', { repositoryId: repo.id, point: pointId }));
    expect(d).toMatchObject({ vm: LAB_VMS.encrypted, firmware: 'efi', vtpm: true, encrypted: true });
    expect(d.disks.every((x) => x.capacityBytes > 0 && x.allocatedBytes <= x.capacityBytes)).toBe(true);
  });

  it('pushes per-disk progress and the checklist, resumes a cancelled job under its id, lists it on disk with its report, powers the VM on', async () => {
    const repo = value<OpenedRepository>(await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo'), password: 'pw' }));
    const pushed: JobSnapshot[] = [];
    const unsubscribe = engine.events.subscribe((name, payload) => {
      if (name === 'jobs.onProgress') pushed.push(payload as JobSnapshot);
    });
    const last = (jobId: string) => pushed.filter((p) => p.id === jobId).at(-1);
    await vddkConfig({ 'labvddk.fault.delayMs': 400 });
    const { jobId } = value<{ jobId: string }>(
      await engine.dispatcher.call('restore.start', {
        repositoryId: repo.id, point: pointId, connection: 'lab', datastore: lab.info.datastores[0]!.name, transport: 'nbdssl', name: 'ui-resumed', encryption: 'keep', encryptionChosen: true,
      }),
    );
    await expect.poll(() => pushed.some((p) => p.id === jobId && (p.disks ?? []).some((d) => d.bytesDone > 0)), { timeout: 60_000 }).toBe(true);
    const writing = pushed.filter((p) => p.id === jobId && p.disks?.some((d) => d.bytesDone > 0)).at(-1)!;
    expect(writing.checklist?.find((c) => c.phase === 'write-disks')?.status).toBe('running');
    expect(writing.checklist?.find((c) => c.phase === 'create-vm')?.status).toBe('done');
    expect(writing.checklist?.find((c) => c.phase === 'power-on')?.status).toBe('skipped');
    value(await engine.dispatcher.call('jobs.cancel', { jobId }));
    await expect.poll(() => last(jobId)?.phase, { timeout: 120_000 }).toBe('cancelled');

    await vddkConfig();
    expect(value<{ jobId: string }>(await engine.dispatcher.call('restore.resume', { jobId })).jobId).toBe(jobId);
    await expect.poll(() => last(jobId)?.phase, { timeout: 120_000 }).toBe('succeeded');
    unsubscribe();
    expect(last(jobId)?.restoredVm).toBe('ui-resumed');
    expect(last(jobId)?.checklist?.find((c) => c.phase === 'write-disks')?.status).toBe('done');

    const history = value<JobHistoryRow[]>(await engine.dispatcher.call('jobs.history', {}));
    expect(history.find((h) => h.jobId === jobId)).toMatchObject({ outcome: 'succeeded', restoredVm: 'ui-resumed' });
    const report = value<JobReportView>(await engine.dispatcher.call('jobs.report', { jobId }));
    expect(report.outcome).toBe('succeeded');

    expect(value<{ poweredOn: boolean }>(await engine.dispatcher.call('vms.powerOn', { connection: 'lab', name: 'ui-resumed' })).poweredOn).toBe(true);
    expect((await listVms(session)).find((v) => v.name === 'ui-resumed')?.powerState).toBe('poweredOn');
  }, 300_000);
});
