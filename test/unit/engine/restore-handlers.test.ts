import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult, JobSnapshot, OpenedRepository, RestorePlanView } from '../../../electron/api/contract';
import { keychainAccount } from '../../../electron/connections/connection-profile';
import { ConnectionStore } from '../../../electron/connections/connection-store';
import { createEngine, type LifeboatEngine } from '../../../electron/engine/lifeboat-engine';
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
 * repositories.open → restore.plan → restore.start through the engine's
 * dispatcher, against the lab (vcsim + lab VDDK, found through LIFEBOAT_VDDK_DIR
 * and the lab's VDDK config in the Lifeboat folder, as `lifeboat lab start` leaves it).
 */
describe('restore handlers (engine API, lab vCenter)', () => {
  let lab: RunningLab;
  let dir: string;
  let home: string;
  let session: VimSession;
  let pointId: string;
  let engine: LifeboatEngine;
  const secrets = new MemorySecretStore();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-restore-api-'));
    home = join(dir, 'home');
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
    pointId = (await encryptedVmPoint(session, join(dir, 'repo'))).point.id;
    await saveLabConnection(home, lab.info);
    const profile = (await new ConnectionStore(home).get('lab'))!;
    await secrets.set(keychainAccount(profile), lab.info.password);
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }));
    engine = createEngine({ frontDoor: 'cli', home, secretStore: secrets, env: { ...process.env, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' } });
  }, 240_000);

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a wrong or missing repository password with a typed error, and never returns the password', async () => {
    const wrong = await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo'), password: 'nope' });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.error.code).toBe('wrong-password');
    const missing = await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo') });
    expect(!missing.ok && missing.error.code).toBe('password-required');
    const opened = await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo'), password: 'pw', remember: true });
    expect(JSON.stringify(opened)).not.toContain('"pw"');
    const repo = value<OpenedRepository>(opened);
    expect(repo.points.map((p) => p.id)).toEqual([pointId]);
    // Remembered: the next open needs no password.
    expect(value<OpenedRepository>(await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo') })).id).toBe(repo.id);
  });

  const finalSnapshot = (pushed: JobSnapshot[], jobId: string) =>
    new Promise<JobSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`job did not finish: ${JSON.stringify(pushed.at(-1))}`)), 120_000);
      const poll = setInterval(() => {
        const last = pushed.filter((p) => p.id === jobId).at(-1);
        if (last && ['succeeded', 'failed', 'cancelled'].includes(last.phase)) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve(last);
        }
      }, 50);
    });

  it('plans live, refuses to start a blocked plan, then restores as a job with progress pushed to clients', async () => {
    const repo = value<OpenedRepository>(await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo') }));
    const where = { repositoryId: repo.id, point: pointId, connection: 'lab', datastore: lab.info.datastores[0]!.name };
    const plan = value<RestorePlanView>(await engine.dispatcher.call('restore.plan', { ...where, transport: 'auto' }));
    expect(plan.ok).toBe(true);
    expect(plan.disks[0]!.transport).toBe('nbdssl');
    expect(plan.disks[0]!.why.length).toBeGreaterThan(10);
    expect(plan.rulesApplied).toEqual(expect.arrayContaining(['CRYPT-KEYS-SAVED', 'VTPM-FIRMWARE']));

    const blocked = await engine.dispatcher.call('restore.start', { ...where, transport: 'san', verify: true, encryption: 'keep' });
    expect(!blocked.ok && blocked.error.code).toBe('plan-blocked');
    expect(!blocked.ok && blocked.error.rule).toMatch(/^XPORT-SAN-/);

    const pushed: JobSnapshot[] = [];
    const unsubscribe = engine.events.subscribe((name, payload) => {
      if (name === 'jobs.onProgress') pushed.push(payload as JobSnapshot);
    });
    const { jobId } = value<{ jobId: string }>(
      await engine.dispatcher.call('restore.start', { ...where, transport: 'auto', name: 'api-restored', verify: true, encryption: 'keep' }),
    );
    const final = await finalSnapshot(pushed, jobId);
    unsubscribe();
    expect(final.error).toBeNull();
    expect(final.phase).toBe('succeeded');
    expect(final.bytesTotal).toBeGreaterThan(0);
    expect(final.bytesDone).toBe(final.bytesTotal);
    expect(pushed.some((p) => p.id === jobId && p.phase === 'running' && p.step !== null)).toBe(true);
    expect(await readFile(final.reportPath!, 'utf8')).toContain('Restore succeeded');
    expect((await listVms(session)).some((v) => v.name === 'api-restored')).toBe(true);
    expect(JSON.stringify(pushed)).not.toContain(lab.info.password);
  }, 180_000);

  it('cancels a running restore through jobs.cancel (the job observes the abort signal)', async () => {
    // A slow lab VDDK (every write delayed) so the cancel lands mid-copy.
    await writeFile(
      labStatePaths.vddkConfig(home),
      labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter', 'labvddk.fault.delayMs': 400 } }),
    );
    const repo = value<OpenedRepository>(await engine.dispatcher.call('repositories.open', { path: join(dir, 'repo') }));
    const pushed: JobSnapshot[] = [];
    const unsubscribe = engine.events.subscribe((name, payload) => {
      if (name === 'jobs.onProgress') pushed.push(payload as JobSnapshot);
    });
    const { jobId } = value<{ jobId: string }>(
      await engine.dispatcher.call('restore.start', {
        repositoryId: repo.id, point: pointId, connection: 'lab', datastore: lab.info.datastores[0]!.name, transport: 'nbdssl', name: 'api-cancelled', verify: true, encryption: 'keep',
      }),
    );
    await expect.poll(() => pushed.some((p) => p.id === jobId && p.step === 'Write the allocated extents of every disk'), { timeout: 60_000 }).toBe(true);
    expect(value<{ cancelled: boolean }>(await engine.dispatcher.call('jobs.cancel', { jobId })).cancelled).toBe(true);
    const final = await finalSnapshot(pushed, jobId);
    unsubscribe();
    expect(pushed.some((p) => p.id === jobId && p.phase === 'cancelling')).toBe(true);
    expect(final.phase).toBe('cancelled');
    // The closing steps still ran and the report says so.
    expect(final.outcome).toContain('cancelled');
    expect(await readFile(final.reportPath!, 'utf8')).toContain('cancelled');
  }, 180_000);

  it('refuses to start when VDDK is not found, with the discovery message', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lifeboat-no-vddk-'));
    const noVddk = createEngine({ frontDoor: 'cli', home: join(empty, 'home'), secretStore: secrets, env: { ...process.env, LIFEBOAT_VDDK_DIR: empty } });
    const result = await noVddk.dispatcher.call('restore.start', {
      repositoryId: 'r', point: 'p', connection: 'lab', datastore: 'ds', transport: 'auto', verify: true, encryption: 'keep',
    });
    await rm(empty, { recursive: true, force: true });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('vddk-not-found');
    expect(!result.ok && result.error.message).toContain(empty);
    expect(noVddk.jobs.list()).toEqual([]);
  });
});
