// The VDDK path's own floor for lab-restore-bench: the same pieces a restore writes (same sizes, offsets
// and requests in flight), but from memory, with no repository read: once through the lab VDDK (real addon,
// worker process, a remote connection with the transport asked for), once with pwrite into a raw file on
// the same file system. Restore copy ≈ VDDK floor means the VDDK worker path bounds the restore; the VDDK
// floor / pwrite floor is what that path adds by itself.
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, rmSync, write } from 'node:fs';
import { join } from 'node:path';
import { loadVddkSource } from './bench-bundle.mjs';
import { connectLab, startLabVddkSession } from './lab-vddk-session.mjs';

const MiB = 1024 * 1024;

/** The engine's VDDK layer bundled from source (as vddk-bench does), into `outDir`. */
export function loadVddkLayer(outDir) {
  return loadVddkSource(join(outDir, 'lab-vddk-floor-lib.cjs'), [
    "export * from './vddk-session';",
    "export * from './lab-vddk-config';",
    "export * from './vddk-discovery';",
    "export { configureVddkWorkerLauncher } from './vddk-worker-process';",
  ]);
}

/** Runs `jobs` (functions returning promises) with at most `limit` at once, as copyDisk keeps requests in flight. */
async function inFlight(jobs, limit) {
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

/**
 * Writes `pieces` ([offset, length] pairs) of a disk of `capacity` bytes both ways; returns seconds for each.
 * `work` holds a datastore folder for the lab VDDK and the raw file.
 */
export async function vddkFloor(vddkLayer, work, { capacity, pieces, transport, depth, profileDir }) {
  const { configureVddkWorkerLauncher } = vddkLayer;
  // --profile: the VDDK worker process under `node --cpu-prof` (NODE_OPTIONS may not carry the flag).
  configureVddkWorkerLauncher({
    executable: process.execPath,
    args: (script, addon) => [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), script, addon],
  });
  const datastore = join(work, 'floor-ds');
  mkdirSync(datastore, { recursive: true });
  const data = randomBytes(Math.max(...pieces.map(([, n]) => n)));
  const out = {};
  const session = await startLabVddkSession(vddkLayer, work, datastore);
  try {
    const local = await session.connect({});
    await local.createDisk(join(datastore, 'floor.vmdk'), { capacityBytes: capacity });
    const conn = await connectLab(session, [transport]);
    const disk = await conn.openDisk('[ds1] floor.vmdk', { keepaliveMs: 0 });
    const started = process.hrtime.bigint();
    await inFlight(
      pieces.map(
        ([at, n]) =>
          () =>
            disk.write(at, data.subarray(0, n)),
      ),
      depth,
    );
    await disk.flush();
    out.vddkSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    out.transportUsed = disk.transportMode ?? transport;
    await disk.close();
    await conn.disconnect();
  } finally {
    await session.close();
    rmSync(datastore, { recursive: true, force: true });
  }
  const raw = join(work, 'floor.raw');
  const fd = openSync(raw, 'w');
  try {
    ftruncateSync(fd, capacity);
    const started = process.hrtime.bigint();
    await inFlight(
      pieces.map(
        ([at, n]) =>
          () =>
            new Promise((done, fail) => write(fd, data, 0, n, at, (err) => (err ? fail(err) : done()))),
      ),
      depth,
    );
    out.pwriteSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    closeSync(fd);
    rmSync(raw, { force: true });
  }
  return out;
}

/** The data pieces of lab-restore-bench's image: 1 MiB of data at every second MiB. */
export function imagePieces(capacityMiB) {
  return Array.from({ length: capacityMiB / 2 }, (_, i) => [i * 2 * MiB, MiB]);
}
