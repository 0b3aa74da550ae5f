#!/usr/bin/env node
// Repository write/read throughput next to restic on the same generated disk image.
//
//   node test/bench/repository-bench.mjs [--size MiB] [--json] [--keep]
//
// Runs standalone: the engine's TypeScript is bundled on the fly with esbuild's API
// (into test-output/bench/), so no `tsc -b` build is needed first. Needs `restic` on PATH.
import { createHash, randomBytes } from 'node:crypto';
import {
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, sizeCheck } from './bench-args.mjs';
import { loadSource, outDir } from './bench-bundle.mjs';
import { run } from './bench-process.mjs';
import { tableLines } from './bench-table.mjs';

const MiB = 1024 * 1024;

function parseArgs(argv) {
  return parseBenchArgs(argv, {
    name: 'repository-bench',
    usage: 'usage: node test/bench/repository-bench.mjs [--size MiB (default 256)] [--json] [--keep (leave the work folder)]',
    defaults: { sizeMiB: 256, json: false, keep: false },
    flags: { '--json': 'json', '--keep': 'keep' },
    options: { '--size': ['sizeMiB', Number] },
    checks: [sizeCheck(8)],
  });
}

function loadEngine() {
  return loadSource(join(outDir, 'repository-engine.cjs'), [
    "export { Repository } from './electron/repository/repository';",
    "export { LocalFolderBackend } from './electron/repository/local-folder-backend';",
    "export { zstdImplementation } from './electron/repository/zstd-codec';",
  ]);
}

/** Deterministic-looking but cheap data: random, text-like (compressible), duplicates, holes. */
function makeImage(path, sizeMiB) {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, sizeMiB * MiB);
  const dupSources = [randomBytes(MiB), randomBytes(MiB)];
  const words = 'restore point vmdk datastore snapshot change tracking vsphere lifeboat '.repeat(16000);
  let dataBytes = 0;
  for (let i = 0; i < sizeMiB; i++) {
    const kind = i % 8;
    let block = null;
    if (kind === 1 || kind === 5)
      block = randomBytes(MiB); // unique, incompressible
    else if (kind === 3)
      block = dupSources[i % 2]; // duplicate content
    else if (kind === 7) block = Buffer.from(words.slice((i * 7) % 1000, ((i * 7) % 1000) + MiB)); // compressible
    // kinds 0, 2, 4, 6: holes (half the image reads as zeros)
    if (block) {
      writeSync(fd, block, 0, MiB, i * MiB);
      dataBytes += MiB;
    }
  }
  closeSync(fd);
  return dataBytes;
}

function sha256File(path) {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(4 * MiB);
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    hash.update(buf.subarray(0, n));
  }
  closeSync(fd);
  return hash.digest('hex');
}

function folderBytes(dir) {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

async function lifeboatBackup(engine, repo, image, capacity) {
  const writer = repo.beginPoint({
    vm: { name: 'bench', instanceUuid: 'bench', moref: 'vm-1', sourceServer: 'bench' },
    configInfo: {},
    firmware: 'bios',
    vtpm: null,
    keyId: null,
    encryptionBundle: null,
    storagePolicy: null,
    skippedIndependentDisks: [],
    kind: 'full',
    parentPointId: null,
  });
  const disk = writer.addDisk({
    key: 2000,
    label: 'Hard disk 1',
    controller: { type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: 0 },
    capacity,
    provisioning: 'thin',
    diskMode: 'persistent',
    datastore: { name: 'bench', type: 'VMFS' },
    allocationMapSaved: true,
    changeId: null,
  });
  const fd = openSync(image, 'r');
  const zero = Buffer.alloc(4 * MiB);
  for (let pos = 0; pos < capacity; pos += 4 * MiB) {
    const buf = Buffer.alloc(Math.min(4 * MiB, capacity - pos));
    readSync(fd, buf, 0, buf.length, pos);
    // Areas that read as zeros are recorded, not stored (the source would report them as holes).
    for (let o = 0; o < buf.length; o += MiB) {
      const piece = buf.subarray(o, o + MiB);
      if (piece.equals(zero.subarray(0, piece.length))) await disk.markUnallocated(pos + o, piece.length);
      else await disk.writeRange(pos + o, piece);
    }
  }
  closeSync(fd);
  return (await writer.commit()).manifest.id;
}

async function lifeboatRestore(repo, pointId, target) {
  const disk = (await repo.openPoint(pointId)).disk(2000);
  const fd = openSync(target, 'w');
  ftruncateSync(fd, disk.capacity);
  for (const extent of await disk.extents()) {
    if (extent.kind !== 'data') continue;
    for (let pos = extent.offset; pos < extent.offset + extent.length; pos += 4 * MiB) {
      const len = Math.min(4 * MiB, extent.offset + extent.length - pos);
      writeSync(fd, await disk.read(pos, len), 0, len, pos);
    }
  }
  closeSync(fd);
}

function restic(args, env) {
  return run('restic', args, { env, hint: 'install the restic package' }).stdout;
}

function timed(fn) {
  const start = process.hrtime.bigint();
  const value = fn();
  const finish = (v) => ({ value: v, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
  return value instanceof Promise ? value.then(finish) : finish(value);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (t) => process.stderr.write(`${t}\n`);
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-repo-bench-'));
  try {
    const engine = await loadEngine();
    const image = join(work, 'disk.img');
    const capacity = args.sizeMiB * MiB;
    log(`generating a ${args.sizeMiB} MiB image (half holes, some duplicate and compressible data)…`);
    const dataBytes = makeImage(image, args.sizeMiB);
    const sourceHash = sha256File(image);
    const pwFile = join(work, 'password');
    writeFileSync(pwFile, randomBytes(18).toString('base64'), { mode: 0o600 });
    const password = (await import('node:fs')).readFileSync(pwFile, 'utf8');
    const results = [];

    // Lifeboat repository.
    {
      const dir = join(work, 'lifeboat-repo');
      const backend = new engine.LocalFolderBackend(dir);
      await engine.Repository.init(backend, password);
      const repo = await engine.Repository.open(backend, password);
      log('lifeboat: full backup…');
      const first = await timed(() => lifeboatBackup(engine, repo, image, capacity));
      const afterFirst = folderBytes(dir);
      log('lifeboat: second identical full…');
      const second = await timed(() => lifeboatBackup(engine, repo, image, capacity));
      const afterSecond = folderBytes(dir);
      log('lifeboat: restore…');
      const target = join(work, 'lifeboat-restored.img');
      const restore = await timed(() => lifeboatRestore(repo, first.value, target));
      results.push({
        tool: 'lifeboat',
        writeMBps: capacity / MiB / first.seconds,
        secondWriteMBps: capacity / MiB / second.seconds,
        readMBps: capacity / MiB / restore.seconds,
        repoBytes: afterFirst,
        secondFullAddedBytes: afterSecond - afterFirst,
        identical: sha256File(target) === sourceHash,
        zstd: engine.zstdImplementation(),
      });
    }

    // restic on the same file.
    {
      const dir = join(work, 'restic-repo');
      const env = { RESTIC_PASSWORD_FILE: pwFile, RESTIC_REPOSITORY: dir, RESTIC_CACHE_DIR: join(work, 'restic-cache') };
      restic(['init'], env);
      log('restic: full backup…');
      const first = timed(() => restic(['backup', '--quiet', image], env));
      const afterFirst = folderBytes(dir);
      log('restic: second identical full…');
      const second = timed(() => restic(['backup', '--quiet', '--force', image], env));
      const afterSecond = folderBytes(dir);
      log('restic: restore…');
      const restoreDir = join(work, 'restic-restored');
      const restore = timed(() => restic(['restore', 'latest', '--target', restoreDir], env));
      results.push({
        tool: 'restic',
        writeMBps: capacity / MiB / first.seconds,
        secondWriteMBps: capacity / MiB / second.seconds,
        readMBps: capacity / MiB / restore.seconds,
        repoBytes: afterFirst,
        secondFullAddedBytes: afterSecond - afterFirst,
        identical: sha256File(join(restoreDir, image)) === sourceHash,
        version: restic(['version'], env).trim(),
      });
    }

    const report = { bench: 'repository', image: { sizeBytes: capacity, dataBytes }, results };
    if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else {
      const rows = [['tool', 'write MB/s', '2nd full MB/s', 'read MB/s', 'repo size', '2nd full adds', 'identical']];
      for (const r of results) {
        rows.push([
          r.tool,
          r.writeMBps.toFixed(1),
          r.secondWriteMBps.toFixed(1),
          r.readMBps.toFixed(1),
          `${(r.repoBytes / MiB).toFixed(1)} MiB`,
          `${(r.secondFullAddedBytes / 1024).toFixed(1)} KiB`,
          String(r.identical),
        ]);
      }
      process.stdout.write(
        `Repository bench: ${args.sizeMiB} MiB image, ${(dataBytes / MiB).toFixed(0)} MiB allocated (MB/s = MiB of image per second)\n`,
      );
      for (const line of tableLines(rows)) process.stdout.write(line + '\n');
    }
    if (results.some((r) => !r.identical)) process.exitCode = 1;
  } finally {
    if (args.keep) process.stderr.write(`work folder kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`repository-bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
