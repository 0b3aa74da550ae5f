// HotAdd for lab-restore-bench: `lifeboat restore --transport hotadd` needs this workstation to be a VM the
// lab knows (the planner finds the proxy VM by the machine's DMI product UUID: XPORT-HOTADD-SAME-VCENTER), which
// a container is not. So this runs the same restore job the CLI runs (runRestoreJob, VsphereRestoreTarget, the lab
// VDDK through the addon and its worker) through the engine API against a lab of its own, with the plan the
// lab tests use for a HotAdd proxy (test/integration/restore/lab-restore-fixture.ts: planFor). It times the
// job's copy as the CLI rows do (copyDisk's own clock) and, for a cross-check, runs NBDSSL the same way.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadSource } from './bench-bundle.mjs';

/** The restore job and the lab tests' fixture, bundled from source into `outDir`. */
export function loadRestoreApi(outDir) {
  return loadSource(join(outDir, 'lab-restore-api.cjs'), [
    "export { startVcsim } from './electron/lab/vcsim-process';",
    "export { Repository } from './electron/repository/repository';",
    "export { LocalFolderBackend } from './electron/repository/local-folder-backend';",
    "export { runRestoreJob } from './electron/restore/restore-job';",
    "export { VsphereRestoreTarget } from './electron/restore/vsphere-restore-target';",
    "export { RestoreCheckpointFile } from './electron/restore/restore-checkpoint';",
    "export { labSession, labVddk, planFor, vddkConnect } from './test/integration/restore/lab-restore-fixture';",
  ]);
}

/** A lab of its own (vCenter mode, datastores under `dir`) and the point opened from the bench's repository. */
export async function startApiLab(api, { dir, repoDir, password, pointId }) {
  const lab = await api.startVcsim({ mode: 'vcenter', vms: 0, datastoreRoot: join(dir, 'api-datastores') });
  const session = await api.labSession(lab.info);
  const repo = await api.Repository.open(new api.LocalFolderBackend(repoDir), password);
  const point = await repo.openPoint(pointId);
  return {
    /** One full-VM restore of the point with `transport`; seconds of the copy (copyDisk's clock) and of the whole job. */
    async restore(transport, name) {
      const vddk = await api.labVddk(lab.info, dir);
      const datastore = lab.info.datastores[0];
      const target = new api.VsphereRestoreTarget({
        session,
        vddk,
        connect: api.vddkConnect(lab.info),
        description: `lab ${lab.info.mode}`,
        diskMatch: {
          by: 'slot',
          slots: new Map(
            point.manifest.disks.map((d) => [d.key, { bus: d.controller.busNumber, unit: d.controller.unitNumber }]),
          ),
        },
      });
      const home = join(dir, 'api-home');
      const started = process.hrtime.bigint();
      // How busy this process's main thread (the engine's, here) was during the copy: event-loop utilisation and
      // CPU, sampled every 20 ms and taken between the samples that bound the write-disks phase.
      const samples = [];
      const sample = () => samples.push({ at: Date.now(), elu: performance.eventLoopUtilization(), cpu: process.cpuUsage() });
      sample();
      const sampler = setInterval(sample, 20);
      let outcome;
      try {
        outcome = await api.runRestoreJob(
          {
            jobId: name,
            kind: 'full-vm',
            manifest: point.manifest,
            openPointDisk: async (key) => point.disk(key),
            nvram: async () => null,
            plan: api.planFor(point, lab.info, transport),
            placement: { name, datastore: datastore.name, encryption: 'keep' },
            identity: `Lifeboat ${name}`,
          },
          {
            target,
            checkpoint: await api.RestoreCheckpointFile.create(home, {
              jobId: name,
              request: {},
              vm: null,
              cbtWasOn: null,
              phases: [],
              disks: {},
            }),
          },
        );
      } finally {
        clearInterval(sampler);
        await vddk.close();
      }
      sample();
      const jobSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const phase = outcome.phases.find((p) => p.phase === 'write-disks');
      const from = Date.parse(phase.startedAt);
      const to = Date.parse(phase.finishedAt);
      const first = samples.filter((x) => x.at <= from).pop() ?? samples[0];
      const last = samples.find((x) => x.at >= to) ?? samples[samples.length - 1];
      const busy = performance.eventLoopUtilization(last.elu, first.elu).utilization;
      const cpuSeconds = (last.cpu.user - first.cpu.user + last.cpu.system - first.cpu.system) / 1e6;
      if (outcome.errors.length > 0)
        throw new Error(`the ${transport} restore through the engine API failed: ${outcome.errors.join('; ')}`);
      const disk = outcome.disks[0];
      if (disk.transportUsed !== transport)
        throw new Error(`the API restore asked for ${transport} but used ${disk.transportUsed}`);
      // Its disk files go, so the datastore does not fill over the runs.
      rmSync(join(datastore.folder, name), { recursive: true, force: true });
      return {
        copy: disk.copy.durationMs / 1000,
        jobSeconds,
        bytesWritten: disk.copy.bytesWritten,
        mainThreadBusy: busy,
        cpuPerWall: cpuSeconds / ((last.at - first.at) / 1000),
      };
    },
    async close() {
      await session.close().catch(() => undefined);
      await lab.stop();
    },
  };
}
