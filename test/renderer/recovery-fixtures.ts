import { RestoreRequest } from '../../electron/api/schemas/restore-request';
import { RecoveryPlanView, RecoveryProgress, type RecoveryVmPlan, type RecoveryVmProgress } from '../../electron/api/schemas/recovery-schema';

/**
 * A small site's recovery plan and progress, as the engine sends them: every
 * fixture is parsed by the contract's own schemas, so a test cannot pass on a
 * shape the engine would never send.
 */
const GiB = 1024 ** 3;

function vmPlan(group: string, vm: string, host: string, datastore: string, gib: number, estimate: number, patch: Partial<RecoveryVmPlan> = {}): RecoveryVmPlan {
  return {
    group,
    vm,
    pointId: `${vm.replace(/[^a-f0-9]/g, 'a').padEnd(8, '0')}0123456789abcdef`.slice(0, 24),
    pointCreatedAt: '2026-11-28T17:00:00Z',
    vmName: `${vm}-dr`,
    request: RestoreRequest.parse({ repo: '/backups/site', point: 'latest', connection: 'dr-vc', datastore, host, name: `${vm}-dr` }),
    ok: true,
    findings: [],
    host,
    datastore,
    transports: ['nbdssl'],
    streams: 1,
    bytesToWrite: gib * GiB,
    thickBytes: gib * 2 * GiB,
    thinBytes: gib * GiB,
    estimateSeconds: estimate,
    powerOn: true,
    ...patch,
  };
}

const limits = { sanStreamsPerHost: 6, nbdStreamsPerHost: 50, hotaddStreamsPerHost: 15 };

export const okPlan: RecoveryPlanView = RecoveryPlanView.parse({
  ok: true,
  name: 'Site A failover',
  source: '/plans/site-a.yaml',
  sourceSha256: 'a'.repeat(64),
  repository: '/backups/site',
  connection: 'dr-vc',
  limits,
  groups: [
    {
      name: 'Directory',
      vms: [vmPlan('Directory', 'dc01', 'esx-1', 'ds-fast', 4, 40)],
      waitFor: 'powered-on',
      delaySeconds: 30,
      stopOnFailure: true,
      estimateSeconds: 70,
    },
    {
      name: 'Databases',
      vms: [
        vmPlan('Databases', 'sql01', 'esx-2', 'ds-fast', 20, 200, {
          findings: [{ rule: 'VTPM-NVRAM-MISSING', severity: 'warn', message: 'No NVRAM was saved for sql01.', remedy: 'Expect a new vTPM; re-seal BitLocker keys.' }],
        }),
        vmPlan('Databases', 'sql02', 'esx-3', 'ds-bulk', 10, 100, { transports: ['nbdssl', 'nbdssl'], streams: 2 }),
      ],
      waitFor: 'restored',
      delaySeconds: 0,
      stopOnFailure: false,
      estimateSeconds: 200,
    },
  ],
  findings: [{ rule: 'XPORT-SAN-STREAMS', severity: 'info', message: 'At most 6 SAN streams per host.', remedy: 'Nothing to do: the scheduler keeps to the cap.' }],
  datastores: [
    { name: 'ds-fast', freeBytes: 100 * GiB, thickBytes: 48 * GiB, thinBytes: 24 * GiB, neededBytes: 24 * GiB, vms: ['dc01', 'sql01'], ok: true },
    { name: 'ds-bulk', freeBytes: 50 * GiB, thickBytes: 20 * GiB, thinBytes: 10 * GiB, neededBytes: 10 * GiB, vms: ['sql02'], ok: true },
  ],
  hosts: [
    { name: 'esx-1', caps: { san: 6, nbd: 50, hotadd: 15 }, vms: ['dc01'], peakStreamsWanted: 1 },
    { name: 'esx-2', caps: { san: 6, nbd: 50, hotadd: 15 }, vms: ['sql01'], peakStreamsWanted: 1 },
    { name: 'esx-3', caps: { san: 6, nbd: 50, hotadd: 15 }, vms: ['sql02'], peakStreamsWanted: 2 },
  ],
  estimateSeconds: 270,
});

/** The same site with too little room on ds-bulk: blocked before anything runs. */
export const blockedPlan: RecoveryPlanView = RecoveryPlanView.parse({
  ...okPlan,
  ok: false,
  findings: [
    {
      rule: 'DATA-THIN-SPACE',
      severity: 'block',
      message: 'ds-bulk has 5.0 GiB free; the VMs restored to it need 10.0 GiB.',
      remedy: 'Free space on ds-bulk, or move sql02 to another datastore in the plan file.',
      datastore: 'ds-bulk',
    },
  ],
  datastores: [okPlan.datastores[0], { ...okPlan.datastores[1], freeBytes: 5 * GiB, ok: false }],
});

function vmProgress(vm: RecoveryVmPlan, patch: Partial<RecoveryVmProgress>): RecoveryVmProgress {
  return {
    group: vm.group,
    vm: vm.vm,
    vmName: vm.vmName,
    host: vm.host,
    state: 'waiting',
    restoreJobId: null,
    bytesDone: 0,
    bytesTotal: vm.bytesToWrite,
    startedAt: null,
    finishedAt: null,
    poweredOn: false,
    error: null,
    ...patch,
  };
}

const [dc01, sql01, sql02] = okPlan.groups.flatMap((g) => g.vms) as [RecoveryVmPlan, RecoveryVmPlan, RecoveryVmPlan];

/** 10:00:00 start; dc01 done and up at 10:01:00; the databases running (sql01 half written). */
export const runningProgress: RecoveryProgress = RecoveryProgress.parse({
  jobId: 'recovery-1',
  name: okPlan.name,
  state: 'running',
  startedAt: '2026-11-29T10:00:00Z',
  finishedAt: null,
  bytesDone: 14 * GiB,
  bytesTotal: 34 * GiB,
  groups: [
    { name: 'Directory', state: 'succeeded', startedAt: '2026-11-29T10:00:00Z', upAt: '2026-11-29T10:01:00Z' },
    { name: 'Databases', state: 'running', startedAt: '2026-11-29T10:01:30Z', upAt: null },
  ],
  vms: [
    vmProgress(dc01, { state: 'succeeded', restoreJobId: 'restore-a', bytesDone: 4 * GiB, startedAt: '2026-11-29T10:00:00Z', finishedAt: '2026-11-29T10:00:50Z', poweredOn: true }),
    vmProgress(sql01, { state: 'running', restoreJobId: 'restore-b', bytesDone: 10 * GiB, startedAt: '2026-11-29T10:01:30Z' }),
    vmProgress(sql02, { state: 'waiting' }),
  ],
  hosts: [
    { name: 'esx-1', activeStreams: 0, cap: 50, peakStreams: 1 },
    { name: 'esx-2', activeStreams: 1, cap: 50, peakStreams: 1 },
    { name: 'esx-3', activeStreams: 0, cap: 50, peakStreams: 0 },
  ],
});

export const finishedProgress: RecoveryProgress = RecoveryProgress.parse({
  ...runningProgress,
  state: 'succeeded',
  finishedAt: '2026-11-29T10:05:00Z',
  bytesDone: 34 * GiB,
  groups: [runningProgress.groups[0], { name: 'Databases', state: 'succeeded', startedAt: '2026-11-29T10:01:30Z', upAt: '2026-11-29T10:04:40Z' }],
  vms: [
    runningProgress.vms[0],
    vmProgress(sql01, { state: 'succeeded', restoreJobId: 'restore-b', bytesDone: 20 * GiB, startedAt: '2026-11-29T10:01:30Z', finishedAt: '2026-11-29T10:04:40Z', poweredOn: true }),
    vmProgress(sql02, { state: 'succeeded', restoreJobId: 'restore-c', bytesDone: 10 * GiB, startedAt: '2026-11-29T10:02:00Z', finishedAt: '2026-11-29T10:04:00Z', poweredOn: true }),
  ],
});

/** Interrupted: the engine stopped while sql01 was being written (resume it). */
export const cancelledProgress: RecoveryProgress = RecoveryProgress.parse({
  ...runningProgress,
  state: 'cancelled',
  finishedAt: '2026-11-29T10:02:30Z',
  groups: [runningProgress.groups[0], { ...runningProgress.groups[1], state: 'cancelled' }],
  vms: [runningProgress.vms[0], { ...runningProgress.vms[1], state: 'cancelled', finishedAt: '2026-11-29T10:02:30Z' }, { ...runningProgress.vms[2], state: 'cancelled' }],
});
