import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../../electron/planner/plan-restore';
import { RULE_CATALOGUE } from '../../../electron/planner/rule-catalogue';
import type { Plan } from '../../../electron/planner/plan-types';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import type { RestorePoint } from '../../../electron/repository/restore-point';
import { RestoreCheckpointFile } from '../../../electron/restore/restore-checkpoint';
import { NOT_IN_PLAN, plannedPhases, runRestoreJob, type RestoreJobInput } from '../../../electron/restore/restore-job';
import { CLOSING_PHASES, MAIN_PHASES } from '../../../electron/restore/phases/phase-list';
import { RESTORE_PHASES } from '../../../electron/restore/restore-phases';
import { HOTADD_WORKSTATION, SAN_WORKSTATION, merge, scenario } from '../planner/scenario-builder';
import { MemoryDiskImage, patternBytes } from '../repository/memory-disk-image';
import { TEST_KDF, copyImage, diskMeta, pointMeta, tempDir } from '../repository/repository-fixtures';
import { LocalImagesTarget } from './local-images-target';

const MiB = 1024 * 1024;
const small = {
  restorePoint: {
    disks: [{ key: 2000, label: 'Hard disk 1', capacityBytes: 16 * MiB, allocatedBytes: 3 * MiB, provisioning: 'thin' }],
  },
};
const into = { name: 'app01', disks: [{ key: 2000, capacityBytes: 16 * MiB }] };

interface Case {
  overrides: Record<string, unknown>;
  kind: 'full-vm' | 'disks';
  addAsNew?: boolean;
  /** The existing VM is running and the user chose the explicit power-off step (DATA-TARGET-POWERED-ON). */
  poweredOn?: boolean;
  /** The phases that ran (not NOT_IN_PLAN), in order, as the job ran them before it was split into phase files. */
  ran: string[];
  /** The stand-in target's calls, in order, as before the split. */
  calls: string[];
}

const CASES: Record<string, Case> = {};

/**
 * The job's phase list is generated from the plan's steps exactly as before
 * runRestoreJob became a list of phase files: for plans that exercise every
 * phase, the job runs the same phases in the same order and makes the same
 * calls on the target (pinned from the one-function job).
 */
describe('restore job phase list (from the plan steps, as before the split)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let point: RestorePoint;

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('lifeboat-phase-list-'));
    const repo = await Repository.init(new LocalFolderBackend(`${dir}/repo`), 'pw', { kdf: TEST_KDF });
    const writer = repo.beginPoint(pointMeta({ configInfo: { name: 'app01', changeTrackingEnabled: true } }));
    const img = new MemoryDiskImage(16 * MiB);
    await img.write(MiB, patternBytes(3 * MiB, 5));
    await copyImage(img, writer.addDisk(diskMeta(2000, 16 * MiB)));
    await writer.setNvram('app01.nvram', patternBytes(4096, 9));
    point = await repo.openPoint((await writer.commit()).manifest.id);
  });
  afterEach(() => cleanup());

  async function run(c: Case) {
    const p: Plan = planRestore(scenario(merge(small, c.overrides)));
    expect(p.ok).toBe(true);
    const target = new LocalImagesTarget(dir);
    const existingVm =
      c.kind === 'disks'
        ? await target.createVm(point.manifest, { name: 'app01', datastore: 'ds1', encryption: 'keep' })
        : undefined;
    if (existingVm && c.poweredOn) target.state.set(existingVm.moref, { powerState: 'poweredOn', snapshots: [] });
    target.calls.length = 0;
    const checkpoint = await RestoreCheckpointFile.create(`${dir}/home`, {
      jobId: 'job-1',
      request: {},
      vm: null,
      cbtWasOn: null,
      phases: [],
      disks: {},
    });
    const input: RestoreJobInput = {
      jobId: 'job-1',
      kind: c.kind,
      manifest: point.manifest,
      openPointDisk: async (key) => point.disk(key),
      nvram: async () => (await point.readNvram())?.data ?? null,
      plan: p,
      placement: c.kind === 'full-vm' ? { name: p.vmName, datastore: 'ds1', encryption: p.encryption } : undefined,
      existingVm,
      addAsNewDisks: c.addAsNew ? { datastore: 'ds1' } : undefined,
      identity: 'Lifeboat job-1',
      powerOffTarget: c.poweredOn,
    };
    const outcome = await runRestoreJob(input, { target, checkpoint });
    return { p, outcome, target };
  }

  const created = ['createVm:app01-restored', 'prepareForAccess:Lifeboat job-1'];
  const closed = ['cbt:on', 'endAccess:Lifeboat job-1'];
  const fullVm = ['create-vm', 'prepare-access', 'cbt-off', 'write-disks', 'verify-disks', 'nvram', 'cbt-on', 'end-access'];
  const intoExisting = ['power-check', 'prepare-access', 'cbt-off', 'write-disks', 'verify-disks', 'cbt-on', 'end-access'];

  CASES['defaults (nbdssl from a physical workstation)'] = {
    overrides: {},
    kind: 'full-vm',
    ran: fullVm,
    calls: [...created, 'open:2000:nbdssl', 'open:2000:nbdssl', 'uploadNvram', ...closed],
  };
  CASES['power on after the restore'] = {
    overrides: { options: { powerOn: true } },
    kind: 'full-vm',
    ran: ['create-vm', 'prepare-access', 'cbt-off', 'write-disks', 'verify-disks', 'nvram', 'power-on', 'cbt-on', 'end-access'],
    calls: [...created, 'open:2000:nbdssl', 'open:2000:nbdssl', 'uploadNvram', 'powerOn:app01-restored', ...closed],
  };
  CASES['verification off'] = {
    overrides: { options: { verify: false } },
    kind: 'full-vm',
    ran: ['create-vm', 'prepare-access', 'cbt-off', 'write-disks', 'nvram', 'cbt-on', 'end-access'],
    calls: [...created, 'open:2000:nbdssl', 'uploadNvram', ...closed],
  };
  CASES['HotAdd of a Windows guest (signature check, VDDK Cleanup)'] = {
    overrides: merge(HOTADD_WORKSTATION, { restorePoint: { vm: { guestFamily: 'windows' } } }),
    kind: 'full-vm',
    ran: [
      'create-vm',
      'prepare-access',
      'cbt-off',
      'write-disks',
      'signature-check',
      'verify-disks',
      'nvram',
      'cbt-on',
      'end-access',
      'cleanup',
    ],
    calls: [
      ...created,
      'open:2000:hotadd:unbuffered',
      'open:2000:nbdssl',
      'open:2000:hotadd:unbuffered',
      'uploadNvram',
      ...closed,
      'cleanup',
    ],
  };
  CASES['SAN (restore snapshot taken and removed)'] = {
    overrides: merge(SAN_WORKSTATION, {
      restorePoint: { disks: [{ ...small.restorePoint.disks[0], provisioning: 'eagerzeroed' }] },
    }),
    kind: 'full-vm',
    ran: [
      'create-vm',
      'prepare-access',
      'cbt-off',
      'san-snapshot',
      'write-disks',
      'verify-disks',
      'nvram',
      'san-snapshot-remove',
      'cbt-on',
      'end-access',
    ],
    calls: [
      ...created,
      'createSnapshot:Lifeboat restore job-1',
      'open:2000:san',
      'open:2000:san',
      'uploadNvram',
      'revertAndRemoveSnapshot:snapshot-2',
      ...closed,
    ],
  };
  CASES['disks into an existing VM (power check)'] = {
    overrides: { options: { restoreKind: 'disks', intoVm: into } },
    kind: 'disks',
    ran: intoExisting,
    calls: ['prepareForAccess:Lifeboat job-1', 'open:2000:nbdssl', 'open:2000:nbdssl', 'endAccess:Lifeboat job-1'],
  };
  CASES['disks into a running VM, powered off as chosen'] = {
    overrides: { options: { restoreKind: 'disks', intoVm: { ...into, poweredOn: true }, powerOffTarget: true } },
    kind: 'disks',
    poweredOn: true,
    ran: intoExisting,
    calls: ['powerOff', 'prepareForAccess:Lifeboat job-1', 'open:2000:nbdssl', 'open:2000:nbdssl', 'endAccess:Lifeboat job-1'],
  };
  CASES['disks added as new disks'] = {
    overrides: { options: { restoreKind: 'disks', addAsNew: true, intoVm: { name: 'app01', disks: [] } } },
    kind: 'disks',
    addAsNew: true,
    ran: ['power-check', 'create-vm', 'prepare-access', 'cbt-off', 'write-disks', 'verify-disks', 'cbt-on', 'end-access'],
    calls: ['addDisks:1', 'prepareForAccess:Lifeboat job-1', 'open:3001:nbdssl', 'open:3001:nbdssl', 'endAccess:Lifeboat job-1'],
  };

  for (const [name, c] of Object.entries(CASES)) {
    it(`runs the same phases and target calls: ${name}`, async () => {
      const { p, outcome, target } = await run(c);
      expect(outcome.errors).toEqual([]);
      // Every phase of the catalogue has its record, in job order.
      expect(outcome.phases.map((x) => x.phase)).toEqual(RESTORE_PHASES.map((x) => x.phase));
      const ran = outcome.phases.filter((x) => x.detail !== NOT_IN_PLAN).map((x) => x.phase);
      expect(ran).toEqual([...plannedPhases(p)]);
      expect(ran).toEqual(c.ran);
      expect(target.calls).toEqual(c.calls);
    });
  }
});

describe('restore job phase files', () => {
  it('the main and closing phase lists run the catalogue phases in its order, the SAN snapshot removal in both', () => {
    const main = MAIN_PHASES.map((p) => p.name);
    const closing = CLOSING_PHASES.map((p) => p.name);
    expect(closing[0]).toBe('san-snapshot-remove');
    expect([...main, ...closing.slice(1)]).toEqual(RESTORE_PHASES.map((p) => p.phase));
  });

  it('each phase file names the rule it carries out', async () => {
    const folder = join(__dirname, '../../../electron/restore/phases');
    // The job's machinery, and the resume guard (its error code is resume-vm-mismatch, no catalogue rule).
    const machinery = new Set([
      'each-limited.ts',
      'job-context.ts',
      'job-types.ts',
      'phase-list.ts',
      'phase-runner.ts',
      'planned-phases.ts',
      'resume-check.ts',
    ]);
    const ids = RULE_CATALOGUE.map((r) => r.id);
    const files = (await readdir(folder)).filter((f) => f.endsWith('.ts') && !machinery.has(f));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const text = await readFile(join(folder, f), 'utf8');
      expect([f, ids.some((id) => text.includes(id))]).toEqual([f, true]);
    }
  });
});
