import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupPlanView, CallResult, JobSnapshot, OpenedRepository } from '../../../electron/api/contract';
import { vmSnapshots } from '../../../electron/backup/source-vm-facts';
import { keychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { BackupService } from '../../../electron/engine/backup-service';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
import { runningMarkerPath } from '../../../electron/jobs/job-liveness';
import { jobSummary, listJobs } from '../../../electron/jobs/job-list';
import { saveLabConnection } from '../../../electron/lab/lab-connection';
import { LAB_VMS } from '../../../electron/lab/lab-info';
import { labStatePaths } from '../../../electron/lab/lab-state';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { listVms } from '../../../electron/vsphere/inventory';
import type { VimSession } from '../../../electron/vsphere/vim-session';
import { MemorySecretStore } from '../../support/memory-secret-store';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { labSession } from '../restore/lab-restore-fixture';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';
import { writeThroughLabVddk } from './lab-backup-fixture';

const MiB = 1024 * 1024;

function value<T>(r: CallResult): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

/**
 * The backup service (the one owner of a backup) against the lab: it plans
 * what will be read and why, runs that backup through the vSphere + VDDK
 * source and writes the report; the API's backup.plan/backup.start reach the
 * same service, so the UI can start a backup without new orchestration.
 */
describe('backup service and backup.plan/backup.start (lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let home: string;
  let session: VimSession;
  let repo: Repository;
  let service: BackupService;
  let engine: LifeboatEngine;
  const secrets = new MemorySecretStore();
  const vm = LAB_VMS.thinThick;

  beforeAll(async () => {
    ensureNativeBuilt();
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-backup-service-'));
    home = join(dir, 'home');
    lab = await startVcsim({ mode: 'vcenter', vms: 0, datastoreRoot: dir });
    session = await labSession(lab.info);
    await saveLabConnection(home, lab.info);
    const profile = (await new ConnectionStore(home).get('lab'))!;
    await secrets.set(keychainAccount(profile), lab.info.password);
    const vddkConfig = labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir } });
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), vddkConfig);
    // Data on the thin disk, as a guest would have written it.
    const ref = (await listVms(session)).find((v) => v.name === vm)!.ref;
    await writeThroughLabVddk(lab.info, ref.value, `[LocalDS_0] ${vm}/${vm}.vmdk`, [{ offset: 8 * MiB, data: randomBytes(MiB) }]);
    repo = await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
    service = new BackupService({
      home,
      connections: new ConnectionStore(home),
      secrets,
      openRepository: async () => repo,
      vddk: async () => ({ dir: labVddkDir(), tmpDirectory: join(dir, 'vddk-tmp'), extraConfigText: vddkConfig }),
    });
    engine = createEngine({
      frontDoor: 'cli',
      home,
      secretStore: secrets,
      env: { ...process.env, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' },
    });
  }, 240_000);

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (extra: Record<string, unknown> = {}) =>
    service.parseRequest({ repo: join(dir, 'repo'), connection: 'lab', vm, ...extra });

  it('plans a first backup as full (and says why, per disk), runs it, writes the report and leaves no snapshot', async () => {
    const plan = await service.plan(request());
    expect(plan.vm).toBe(vm);
    expect(plan.kind).toBe('full');
    const read = plan.disks.filter((d) => d.read !== 'skip');
    expect(read.length).toBe(2);
    for (const d of read)
      expect(d.why).toMatch(/^BACKUP-ALLOCATED-FIRST: the repository has no earlier restore point of this VM/);
    expect(plan.disks.filter((d) => d.read === 'skip').map((d) => d.why)).toEqual([
      expect.stringMatching(/^BACKUP-SKIP-INDEPENDENT/),
    ]);
    expect(plan.bytesToReadAtMost).toBe(read.reduce((n, d) => n + d.capacityBytes, 0));
    expect(plan.rulesApplied).toEqual(
      expect.arrayContaining(['BACKUP-SAVE-CONFIG', 'BACKUP-ALLOCATED-FIRST', 'BACKUP-SKIP-INDEPENDENT']),
    );
    const ref = (await listVms(session)).find((v) => v.name === vm)!.ref;
    expect(await vmSnapshots(session, ref)).toEqual([]);

    // While it reads, the job list shows it running (its record and live mark); afterwards succeeded, with its point.
    let started = '';
    const statesWhileRunning: Array<Promise<string | null>> = [];
    const run = await service.start(request(), {
      onStart: ({ jobId }) => void (started = jobId),
      onProgress: () => {
        if (started) statesWhileRunning.push(jobSummary(home, started).then((j) => j.state, () => null));
      },
    });
    expect(await Promise.all(statesWhileRunning)).toContain('running');
    expect((await listJobs(home)).find((j) => j.id === run.jobId)).toMatchObject({
      kind: 'backup',
      backupKind: 'full',
      state: 'succeeded',
      vm,
      connection: 'lab',
      pointId: run.result.pointId,
    });
    expect(run.result.ok).toBe(true);
    expect(run.result.kind).toBe('full');
    expect(run.result.bytesRead).toBeGreaterThanOrEqual(MiB);
    expect(run.plan.kind).toBe('full');
    expect(JSON.parse(readFileSync(run.reportFile, 'utf8'))).toMatchObject({
      kind: 'backup',
      jobId: run.jobId,
      result: { pointId: run.result.pointId },
    });
    expect(existsSync(runningMarkerPath(home, run.jobId))).toBe(false);
    expect(await vmSnapshots(session, ref)).toEqual([]);
    expect(readFileSync(run.reportFile, 'utf8')).not.toContain(lab.info.password);

    const next = await service.plan(request());
    expect(next.kind).toBe('incremental');
    expect(next.parentPointId).toBe(run.result.pointId);
    expect(next.disks.filter((d) => d.read === 'changed').length).toBe(2);
  }, 180_000);

  it('backup.plan and backup.start through the engine API: the backup runs as a job with progress pushed to clients', async () => {
    const opened = value<OpenedRepository>(
      await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo'), password: 'pw' }),
    );
    const where = { repositoryId: opened.id, connection: 'lab', vm };
    const plan = value<BackupPlanView>(await engine.dispatcher.call('backup.plan', where));
    expect(plan.kind).toBe('incremental');

    const unknown = await engine.dispatcher.call('backup.start', { ...where, vm: 'no-such-vm' });
    expect(!unknown.ok && unknown.error.message).toMatch(/No virtual machine named "no-such-vm"/);

    const pushed: JobSnapshot[] = [];
    const unsubscribe = engine.events.subscribe((name, payload) => {
      if (name === 'jobs.onProgress') pushed.push(payload as JobSnapshot);
    });
    let resolveFinal: (s: JobSnapshot) => void = () => undefined;
    const finalSeen = new Promise<JobSnapshot>((resolve) => (resolveFinal = resolve));
    const done = engine.events.subscribe((name, payload) => {
      const s = payload as JobSnapshot;
      if (name === 'jobs.onProgress' && s.kind === 'backup' && ['succeeded', 'failed', 'cancelled'].includes(s.phase))
        resolveFinal(s);
    });
    const { jobId } = value<{ jobId: string }>(await engine.dispatcher.call('backup.start', { ...where, full: true }));
    const final = await finalSeen;
    unsubscribe();
    done();
    expect(final.id).toBe(jobId);
    expect(final.error).toBeNull();
    expect(final.phase).toBe('succeeded');
    expect(final.outcome).toMatch(new RegExp(`^${vm}: full restore point [0-9a-f]+`));
    expect(existsSync(final.reportPath!)).toBe(true);
    // Registered as running first (pushes are throttled, so which steps show in between depends on speed), then the read bytes.
    expect(pushed.find((p) => p.id === jobId)?.phase).toBe('running');
    expect(final.bytesTotal).toBeGreaterThanOrEqual(MiB);
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(JSON.stringify(pushed)).not.toContain(lab.info.password);
    expect((await engine.dispatcher.call('jobs.list', {})).ok).toBe(true);
  }, 180_000);
});
