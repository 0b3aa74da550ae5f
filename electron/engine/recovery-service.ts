import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RecoveryPlanFile } from '../api/schemas/recovery-plan-file';
import type { RecoveryPlanSource, RecoveryPlanView, RecoveryProgress, RecoveryRunResult, RecoveryVmPlan } from '../api/schemas/recovery-schema';
import type { ConnectionStore } from '../connections/connection-store';
import { openConnection } from '../connections/open-connection';
import { BadInputError, LifeboatError } from '../errors/lifeboat-error';
import type { SecretStore } from '../keychain/secret-store';
import { spreadOverHosts } from '../recovery/cluster-spread';
import { mapWithLimit } from '../recovery/map-with-limit';
import { InvalidRecoveryPlanError, type RecoveryPlanIssue } from '../recovery/recovery-plan-error';
import { readRecoveryPlan } from '../recovery/recovery-plan-parse';
import { recoveryPlanView } from '../recovery/recovery-plan-view';
import { resumePlan } from '../recovery/recovery-run';
import { choosePoint } from '../recovery/recovery-point-choice';
import { planRepositoryPath, vmOptions, vmRestoreRequest } from '../recovery/recovery-request-build';
import { vmPlanView } from '../recovery/recovery-vm-plan';
import type { Repository } from '../repository/repository';
import type { RestorePointManifest } from '../repository/restore-point-manifest';
import { fetchInventory } from '../vsphere/inventory';
import { clusterHosts } from './recovery-cluster-hosts';
import { runPlannedRecovery } from './recovery-restore-port';
import type { RestoreService } from './restore-service';

export interface RecoveryServiceDeps {
  home: string;
  /** Every VM of a recovery is planned and run by the one restore service (same request, same plan). */
  restore: RestoreService;
  connections: ConnectionStore;
  secrets: SecretStore;
  openRepository: (path: string) => Promise<Repository>;
}

export interface RecoveryRunOptions {
  /** Continue this recovery job: finished VMs are skipped, started ones resume from their checkpoints. */
  resumeJobId?: string;
  signal?: AbortSignal;
  /** Called once the job id is known, before anything changes on the target. */
  onStart?: (info: { jobId: string; plan: RecoveryPlanView }) => void;
  onProgress?: (progress: RecoveryProgress) => void;
}

/** VM plans gathered at once: each opens its own session to the target, so a few, not dozens. */
const PLAN_CONCURRENCY = 4;

/** One VM of the file with its point chosen. */
interface ChosenVm {
  group: string;
  vm: string;
  /** `file:line:column` of its entry, for messages about it. */
  where: string;
  manifest: RestorePointManifest;
  options: ReturnType<typeof vmOptions>;
}

async function readSource(source: RecoveryPlanSource): Promise<{ text: string; name: string; baseDir: string }> {
  if ('text' in source) return { text: source.text, name: source.name, baseDir: resolve(source.baseDir ?? process.cwd()) };
  try {
    return { text: await readFile(source.path, 'utf8'), name: source.path, baseDir: dirname(resolve(source.path)) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    throw new BadInputError(`cannot read recovery plan ${source.path}: ${why}`, 'recovery-plan-unreadable', 'Give the path of a recovery plan YAML file (resources/recovery/example-recovery-plan.yaml is an example).');
  }
}

/** Bytes the copy of a point writes (allocated data when the point knows it, else every byte), to spread VMs before planning. */
const pointBytes = (m: RestorePointManifest) => m.disks.reduce((n, d) => n + (d.allocationMapSaved ? d.allocatedBytes : d.capacity), 0);

/** A VM's planning failure, said about that VM and where the file lists it (the error's kind, code and hint are kept). */
function aboutVm(err: unknown, vm: ChosenVm): never {
  const about = `${vm.where}: VM "${vm.vm}" (group ${vm.group})`;
  if (err instanceof LifeboatError) {
    throw new LifeboatError(`${about}: ${err.message}`, { code: err.code, kind: err.kind, hint: err.hint, rule: err.rule, cause: err });
  }
  throw new LifeboatError(`${about}: ${err instanceof Error ? err.message : String(err)}`, { code: 'recovery-vm-plan-failed', cause: err });
}

/**
 * The one owner of a recovery plan (a site's runbook), behind every front door:
 * plan(source) plans every VM with the restore service and adds the checks no
 * single-VM plan can make; start(source) runs the VMs group by group within the
 * per-host stream caps, with checkpoint and resume. Front doors parse and render.
 */
export class RecoveryService {
  constructor(private readonly deps: RecoveryServiceDeps) {}

  /** Parses and validates the file, plans every VM and the whole; changes nothing on the target. */
  async plan(source: RecoveryPlanSource): Promise<RecoveryPlanView> {
    const { text, name, baseDir } = await readSource(source);
    const { plan: file, issueAt } = readRecoveryPlan(text, name);
    const repoPath = planRepositoryPath(file, baseDir);
    const repo = await this.deps.openRepository(repoPath);
    const chosen = await this.choosePoints(file, repo, issueAt, name);
    if (!(await this.deps.connections.get(file.connection))) {
      throw new BadInputError(`the plan's connection "${file.connection}" is not a saved connection`, 'connection-not-found', 'List them with `lifeboat connect list`, or add one with `lifeboat connect add`.');
    }
    const hosts = await this.placeClusterVms(file, chosen);
    const requests = chosen.map((c) => vmRestoreRequest({ file, repo: repoPath, pointId: c.manifest.id, options: c.options, host: hosts.get(c.vm) }));
    const freeBytes = new Map<string, number | null>();
    const vms: RecoveryVmPlan[] = await mapWithLimit(chosen, PLAN_CONCURRENCY, async (c, i) => {
      const request = requests[i]!;
      const { plan, target } = await this.deps.restore.planWithTarget(request).catch((err: unknown) => aboutVm(err, c));
      freeBytes.set(request.datastore, target.datastoreFreeBytes);
      for (const [name, free] of Object.entries(target.datastoresFreeBytes)) freeBytes.set(name, free);
      return vmPlanView({
        group: c.group,
        vm: c.vm,
        point: { id: c.manifest.id, createdAt: c.manifest.createdAt },
        request,
        plan,
        host: target.host,
        disks: c.manifest.disks,
      });
    });
    return recoveryPlanView({ file, source: name, sourceSha256: createHash('sha256').update(text).digest('hex'), repository: repoPath, vms, freeBytes });
  }

  /** Each VM's point from the repository's; every VM the repository cannot serve is named with its line. */
  private async choosePoints(file: RecoveryPlanFile, repo: Repository, issueAt: (path: ReadonlyArray<string | number>, message: string) => RecoveryPlanIssue, name: string): Promise<ChosenVm[]> {
    const points = await repo.listPoints();
    const issues: RecoveryPlanIssue[] = [];
    const chosen: ChosenVm[] = [];
    for (const [g, group] of file.groups.entries()) {
      for (const [v, entry] of group.vms.entries()) {
        const at = ['groups', g, 'vms', v];
        const choice = choosePoint(entry.vm, entry.point, points);
        if (!choice.ok) {
          issues.push(issueAt([...at, 'point'], choice.message));
          continue;
        }
        const pos = issueAt(at, '');
        chosen.push({ group: group.name, vm: entry.vm, where: `${pos.file}:${pos.line}:${pos.column}`, manifest: await repo.loadPoint(choice.point.id), options: vmOptions(file.defaults, entry) });
      }
    }
    if (issues.length > 0) throw new InvalidRecoveryPlanError(name, issues);
    return chosen;
  }

  /** The host of every VM placed by `cluster`: spread over the cluster's hosts that reach its datastore. */
  private async placeClusterVms(file: RecoveryPlanFile, chosen: readonly ChosenVm[]): Promise<Map<string, string>> {
    const onCluster = chosen.filter((c) => c.options.cluster !== undefined && c.options.host === undefined);
    if (onCluster.length === 0) return new Map();
    const profile = (await this.deps.connections.get(file.connection))!;
    const session = await openConnection(profile, this.deps.secrets);
    try {
      const inventory = await fetchInventory(session);
      const pinned = chosen.filter((c) => c.options.host !== undefined).map((c) => ({ key: c.vm, group: c.group, bytesToWrite: pointBytes(c.manifest), hosts: [c.options.host!], pinned: true }));
      const spread = spreadOverHosts([
        ...pinned,
        ...onCluster.map((c) => ({ key: c.vm, group: c.group, bytesToWrite: pointBytes(c.manifest), hosts: clusterHosts(inventory, c.options.cluster!, c.options.datastore!) })),
      ]);
      return new Map(onCluster.map((c) => [c.vm, spread.get(c.vm)!]));
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  /**
   * The plan a run carries out: a new plan of the file, or for a resume the
   * plan the job was started with (the user confirmed it; a new plan would count
   * the VMs the job already made as names taken). A resumed file must be unchanged.
   */
  async planForRun(source: RecoveryPlanSource, resumeJobId?: string): Promise<RecoveryPlanView> {
    if (!resumeJobId) return this.plan(source);
    const { text } = await readSource(source);
    return resumePlan(this.deps.home, resumeJobId, text);
  }

  /** Runs a plan (as planForRun gave it, after the user saw it): refuses a blocked one, then every VM to its end. */
  run(plan: RecoveryPlanView, options: RecoveryRunOptions & { jobId?: string } = {}): Promise<RecoveryRunResult> {
    return runPlannedRecovery({ home: this.deps.home, restore: this.deps.restore }, plan, options);
  }

  /** planForRun + run: the whole recovery of a file (or the resume of a job). */
  async start(source: RecoveryPlanSource, options: RecoveryRunOptions & { jobId?: string } = {}): Promise<RecoveryRunResult> {
    return this.run(await this.planForRun(source, options.resumeJobId), options);
  }
}
