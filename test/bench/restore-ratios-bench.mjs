#!/usr/bin/env node
// Issue 13's ratios in one run: Lifeboat next to restic (and the copy, AES-GCM and zstd floors)
// on the same generated images, Lifeboat and the peer alternated, median of --runs.
//
//   node test/bench/restore-ratios-bench.mjs [--size MiB] [--runs N] [--json] [--keep]
//
// --size is the mixed image (half allocated, default 1024 MiB: sized for a shared 2-core
// machine; the figures used 4 GiB). The dense image is --size/2 MiB fully allocated
// and the thin one holds the same data in 16x the capacity. Each Lifeboat step runs in its
// own child process so its peak memory (maxRSS) is its own. Writes JSON to test-output/bench/.
// Needs restic, nbdcopy, openssl, zstd and /usr/bin/time on PATH, and `npm run build:native`.
// borg (Debian's borgbackup) is optional: without it the borg rows say how to install it
// (its settings and why: borg-peer.mjs).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseBenchArgs, runsCheck, sizeCheck } from './bench-args.mjs';
import { bundleForNode, bundleSource, loadBundle, outDir, root } from './bench-bundle.mjs';
import { writeMixedImage } from './bench-image.mjs';
import { printReport, saveReport } from './bench-report.mjs';
import { run, timedRunWithMemory } from './bench-process.mjs';
import { median, pairRatio } from './bench-stats.mjs';
import { tableLines } from './bench-table.mjs';
import { BORG_INSTALL_HINT, borgRepository, borgVersion } from './borg-peer.mjs';

const MiB = 1024 * 1024;
const here = fileURLToPath(import.meta.url);
const addon = join(root, 'native', 'build', 'Release', 'lifeboat_vddk.node');

function parseArgs(argv) {
  return parseBenchArgs(argv, {
    name: 'restore-ratios-bench',
    usage: 'usage: node test/bench/restore-ratios-bench.mjs [--size MiB (default 1024)] [--runs N (default 3)] [--json] [--keep]',
    defaults: { sizeMiB: 1024, runs: 3, json: false, keep: false },
    flags: { '--json': 'json', '--keep': 'keep' },
    options: { '--size': ['sizeMiB', Number], '--runs': ['runs', Number] },
    checks: [sizeCheck(64, 16), runsCheck],
  });
}

async function engineBundle() {
  const outfile = join(outDir, 'restore-ratios-engine.cjs');
  await bundleSource(outfile, [
    "export { Repository } from './electron/repository/repository';",
    "export { LocalFolderBackend } from './electron/repository/local-folder-backend';",
    "export { importImageFile } from './electron/restore-points/image-import';",
    "export { NativeAllocationProbe } from './electron/vddk/native-allocation-probe';",
    "export { copyDisk, verifyCopy } from './electron/restore/disk-copier';",
    "export { createDiskImage, openDiskImage } from './electron/disks/open-disk-image';",
    "export { exportDisk, exportIo } from './electron/restore-points/disk-export';",
  ]);
  // The chunk decode and encode pools load their workers from files beside the code that starts them.
  for (const worker of ['chunk-decode-worker', 'chunk-encode-worker']) {
    await bundleForNode(join(outDir, `${worker}.js`), { entryPoints: [join(root, `electron/repository/${worker}.ts`)] });
  }
  return outfile;
}

// ---- child: one Lifeboat step, timed after the repository is open ----

async function child(argv) {
  const [op, bundle, repoDir, password, ...rest] = argv;
  const engine = createRequire(import.meta.url)(bundle);
  // LIFEBOAT_BENCH_DECODE_WORKERS=0 measures the same restore with decoding on the main thread.
  const workers = process.env.LIFEBOAT_BENCH_DECODE_WORKERS;
  // LIFEBOAT_BENCH_ENCODE_WORKERS=N: the import step's encode workers (0: compress and seal on the main thread).
  const encoders = process.env.LIFEBOAT_BENCH_ENCODE_WORKERS;
  const repo = await engine.Repository.open(new engine.LocalFolderBackend(repoDir), password, {
    decodeWorkers: workers === undefined ? undefined : Number(workers),
    encodeWorkers: encoders === undefined ? undefined : Number(encoders),
  });
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - start) / 1e9;
  const out = {};
  if (op === 'init-and-import' || op === 'import') {
    const result = await engine.importImageFile(repo, rest[0], { probe: new engine.NativeAllocationProbe() });
    out.pointId = result.manifest.id;
    out.seconds = seconds();
  } else if (op === 'restore') {
    const [pointId, target, verify] = rest;
    const source = (await repo.openPoint(pointId)).disk(2000);
    const image = await engine.createDiskImage(target, 'raw', source.capacity);
    // CRC-32s of what was written, for the second verify below (taken only when verifying, as a restore does).
    const digests = verify === '1' ? new Map() : undefined;
    // The export's piece size and depth; LIFEBOAT_BENCH_IO_BYTES / LIFEBOAT_BENCH_IN_FLIGHT override them for A/B runs.
    const io = engine.exportIo(source);
    const ioBytes = Number(process.env.LIFEBOAT_BENCH_IO_BYTES ?? io.ioBytes);
    const inFlight = Number(process.env.LIFEBOAT_BENCH_IN_FLIGHT ?? io.inFlight);
    // verify 'while': each piece read back and compared right after its write, as a raw or flat export verifies.
    const readBack = verify === 'while';
    const copy = await engine.copyDisk(source, image, { ioBytes, inFlight, targetReadsZero: true, digests, readBack });
    if (readBack && copy.readBack.firstMismatch !== null) throw new Error(`verify failed at byte ${copy.readBack.firstMismatch}`);
    await image.close();
    out.copySeconds = seconds();
    if (verify === '1') {
      // Verified after writing, as a streamOptimized export and the restore job's verify phase do:
      // the closed file read back and checked against the CRC-32s copyDisk recorded (PieceDigests).
      const back = await engine.openDiskImage(target, { format: 'raw', readOnly: true });
      const againstWritten = await engine.verifyCopy(source, back, ioBytes, { written: digests });
      out.verifyWrittenSeconds = seconds() - out.copySeconds;
      await back.close();
      if (!againstWritten.ok) throw new Error(`verify failed at byte ${againstWritten.firstMismatch}`);
    }
    out.seconds = seconds();
  } else if (op === 'restore-parallel') {
    // Several points' disks restored at once (as a multi-disk VM restore runs them), each to its own file.
    const pairs = [];
    for (let i = 0; i < rest.length; i += 2) pairs.push([rest[i], rest[i + 1]]);
    await Promise.all(
      pairs.map(async ([pointId, target]) => {
        const source = (await repo.openPoint(pointId)).disk(2000);
        const image = await engine.createDiskImage(target, 'raw', source.capacity);
        await engine.copyDisk(source, image, { ...engine.exportIo(source), targetReadsZero: true });
        await image.close();
      }),
    );
    out.seconds = seconds();
  } else if (op === 'export-loop' || op === 'import-loop') {
    // The engine's export API (what points.export and \`lifeboat export\` run) or its import API
    // (points.import, \`lifeboat import\`), watched from its own event loop.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    const events = [];
    const onProgress = () => events.push(seconds());
    delay.enable();
    if (op === 'export-loop') {
      const [pointId, target] = rest;
      const source = (await repo.openPoint(pointId)).disk(2000);
      await engine.exportDisk(source, target, { format: 'raw', onProgress });
    } else {
      await engine.importImageFile(repo, rest[0], { probe: new engine.NativeAllocationProbe(), onProgress });
    }
    delay.disable();
    out.seconds = seconds();
    out.loopDelayP99Ms = delay.percentile(99) / 1e6;
    out.loopDelayMaxMs = delay.max / 1e6;
    // The longest gap between two progress events (or the ends), as a rate: the UI's worst refresh.
    const marks = [0, ...events, out.seconds];
    const gaps = marks.slice(1).map((t, i) => t - marks[i]);
    out.progressEventsPerSecond = events.length / out.seconds;
    out.progressWorstHz = 1 / Math.max(...gaps);
  } else throw new Error(`unknown step ${op}`);
  const cpu = process.cpuUsage(cpuStart);
  out.cpuPerWall = (cpu.user + cpu.system) / 1e6 / out.seconds;
  out.decodesInWorkers = repo.decodesInWorkers;
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify(out));
}

// ---- parent ----

/** Event-loop delay and progress rate over the runs of one API step: the median p99, the worst max and the worst gap. */
function loopSummary(l) {
  return {
    eventLoopDelayP99Ms: median(l.p99Ms),
    eventLoopDelayMaxMs: Math.max(...l.maxMs),
    progressEventsPerSecond: median(l.progressHz),
    progressWorstHz: Math.min(...l.progressWorstHz),
  };
}

function lifeboatStep(bundle, repoDir, password, op, ...rest) {
  return lifeboatStepWith({}, bundle, repoDir, password, op, ...rest);
}

function lifeboatStepWith(env, bundle, repoDir, password, op, ...rest) {
  const r = run(process.execPath, [here, '--child', op, bundle, repoDir, password, ...rest], {
    env: { LIFEBOAT_ADDON: addon, ...env },
  });
  return JSON.parse(r.stdout);
}

function floors(work, image) {
  const out = {};
  const ssl = run('openssl', ['speed', '-seconds', '2', '-bytes', '1048576', '-evp', 'aes-256-gcm']).stdout;
  const line = ssl.split('\n').find((l) => /^aes-256-gcm/i.test(l.trim()));
  if (line) out.aesGcmMBps = Number(line.trim().split(/\s+/).pop().replace(/k$/, '')) / 1000;
  const sample = join(work, 'zstd-sample.img');
  run('dd', [`if=${image}`, `of=${sample}`, 'bs=1M', 'count=64', 'status=none']);
  const z = run('zstd', ['-b3', '-i2', sample]);
  const zm = /,\s*([\d.]+)\s*MB\/s\s*,\s*([\d.]+)\s*MB\/s/.exec(z.stdout + z.stderr);
  if (zm) out.zstdDecompressMBps = Number(zm[2]);
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (t) => process.stderr.write(`${t}\n`);
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-ratios-'));
  try {
    const bundle = await engineBundle();
    const password = randomBytes(18).toString('base64');
    const pwFile = join(work, 'password');
    writeFileSync(pwFile, password, { mode: 0o600 });
    const half = args.sizeMiB / 2;
    const mixed = join(work, 'mixed.img');
    const dense = join(work, 'dense.img');
    const thin = join(work, 'thin.img');
    log(`images: mixed ${args.sizeMiB} MiB (${half} MiB data), dense ${half} MiB, thin ${half * 16} MiB with ${half} MiB data…`);
    writeMixedImage(mixed, args.sizeMiB, half, 2);
    writeMixedImage(dense, half, half, 1);
    writeMixedImage(thin, half * 16, half, 16);
    // Four different disks of a quarter of the data each, for the 1-disk vs 4-disk parallel restore.
    const quarters = [0, 1, 2, 3].map((q) => join(work, `quarter-${q}.img`));
    for (const q of quarters) writeMixedImage(q, half / 2, half / 4, 2);

    const t = {
      lbImport: [],
      rsBackup: [],
      lbRestore: [],
      lbCopyInVerifyRun: [],
      lbRestoreReadBack: [],
      lbRestoreVerifyWritten: [],
      rsRestore: [],
      nbdcopy: [],
      denseImport: [],
      thinImport: [],
      denseRestore: [],
      thinRestore: [],
      lbRestoreInThread: [],
      lbRestorePool: [],
      fourParallel: [],
      exportApi: [],
      borgCreate: [],
      borgExtract: [],
    };
    const mem = {
      lbRestore: [],
      lbRestoreVerify: [],
      rsRestore: [],
      lbImport: [],
      rsBackup: [],
      fourParallel: [],
      lbRestoreInThread: [],
      lbRestorePool: [],
      borgCreate: [],
      borgExtract: [],
    };
    const loop = { p99Ms: [], maxMs: [], progressHz: [], progressWorstHz: [] };
    const importLoop = { p99Ms: [], maxMs: [], progressHz: [], progressWorstHz: [] };
    const cpu = { lbRestore: [], lbRestoreInThread: [], lbRestorePool: [] };
    const engine = loadBundle(bundle);
    const borgVer = borgVersion();
    if (!borgVer) log(BORG_INSTALL_HINT);
    for (let i = 0; i < args.runs; i++) {
      log(`run ${i + 1}/${args.runs}…`);
      const repoDir = join(work, `lb-${i}`);
      const chunkBytes = (await engine.Repository.init(new engine.LocalFolderBackend(repoDir), password)).chunkSize;
      const resticDir = join(work, `rs-${i}`);
      const renv = { RESTIC_PASSWORD_FILE: pwFile, RESTIC_REPOSITORY: resticDir, RESTIC_CACHE_DIR: join(work, 'restic-cache') };
      run('restic', ['init'], { env: renv });

      const imp = lifeboatStep(bundle, repoDir, password, 'import', mixed);
      t.lbImport.push(imp.seconds);
      mem.lbImport.push(imp.maxRssMiB);
      const rb = timedRunWithMemory('restic', ['backup', '--quiet', mixed], { env: renv });
      t.rsBackup.push(rb.seconds);
      mem.rsBackup.push(rb.maxRssMiB);
      const borgRepo = borgVer
        ? borgRepository(join(work, `borg-${i}`), pwFile, join(work, 'borg-home'), chunkBytes)
        : null;
      if (borgRepo) {
        borgRepo.init();
        const bc = borgRepo.create('mixed', work, 'mixed.img');
        t.borgCreate.push(bc.seconds);
        mem.borgCreate.push(bc.maxRssMiB);
      }

      const out = join(work, 'out.img');
      // With the decode pool and with decoding on the main thread, in turn first (the first restore after an
      // import meets the import's writeback).
      // The pool measured with one worker (the default is none).
      const withPool = () =>
        lifeboatStepWith({ LIFEBOAT_BENCH_DECODE_WORKERS: '1' }, bundle, repoDir, password, 'restore', imp.pointId, out, '0');
      const inThread = () =>
        lifeboatStepWith({ LIFEBOAT_BENCH_DECODE_WORKERS: '0' }, bundle, repoDir, password, 'restore', imp.pointId, out, '0');
      let r1;
      let r0;
      if (i % 2 === 0) {
        r1 = withPool();
        rmSync(out, { force: true });
        r0 = inThread();
      } else {
        r0 = inThread();
        rmSync(out, { force: true });
        r1 = withPool();
      }
      rmSync(out, { force: true });
      t.lbRestorePool.push(r1.seconds);
      mem.lbRestorePool.push(r1.maxRssMiB);
      cpu.lbRestorePool.push(r1.cpuPerWall);
      // The restore rows measure Lifeboat as it runs: decoding on the calling thread (defaultDecodeWorkers).
      const byDefault = r0;
      t.lbRestore.push(byDefault.seconds);
      mem.lbRestore.push(byDefault.maxRssMiB);
      cpu.lbRestore.push(byDefault.cpuPerWall);
      if (!r1.decodesInWorkers) log('warning: the bundled restore decoded on the main thread (no decode worker loaded)');
      t.lbRestoreInThread.push(r0.seconds);
      mem.lbRestoreInThread.push(r0.maxRssMiB);
      cpu.lbRestoreInThread.push(r0.cpuPerWall);
      // The import API watched from its event loop, into a repository of its own (a second import into the
      // same one would only dedup).
      const loopRepo = join(work, `lb-loop-${i}`);
      await engine.Repository.init(new engine.LocalFolderBackend(loopRepo), password);
      const il = lifeboatStep(bundle, loopRepo, password, 'import-loop', mixed);
      importLoop.p99Ms.push(il.loopDelayP99Ms);
      importLoop.maxMs.push(il.loopDelayMaxMs);
      importLoop.progressHz.push(il.progressEventsPerSecond);
      importLoop.progressWorstHz.push(il.progressWorstHz);
      rmSync(loopRepo, { recursive: true, force: true });
      const ex = lifeboatStep(bundle, repoDir, password, 'export-loop', imp.pointId, out);
      t.exportApi.push(ex.seconds);
      mem.lbRestoreVerify.push(ex.maxRssMiB);
      loop.p99Ms.push(ex.loopDelayP99Ms);
      loop.maxMs.push(ex.loopDelayMaxMs);
      loop.progressHz.push(ex.progressEventsPerSecond);
      loop.progressWorstHz.push(ex.progressWorstHz);
      rmSync(out, { force: true });
      const restoreDir = join(work, 'restic-out');
      const rr = timedRunWithMemory('restic', ['restore', 'latest', '--target', restoreDir], { env: renv });
      t.rsRestore.push(rr.seconds);
      mem.rsRestore.push(rr.maxRssMiB);
      rmSync(restoreDir, { recursive: true, force: true });
      if (borgRepo) {
        // Right after restic's restore, as Lifeboat's restore rows pair with it: the same data, moments apart.
        const borgOut = join(work, 'borg-out');
        const be = borgRepo.extract('mixed', borgOut);
        t.borgExtract.push(be.seconds);
        mem.borgExtract.push(be.maxRssMiB);
        rmSync(borgOut, { recursive: true, force: true });
        rmSync(join(work, `borg-${i}`), { recursive: true, force: true });
      }
      t.lbRestoreReadBack.push(lifeboatStep(bundle, repoDir, password, 'restore', imp.pointId, out, 'while').seconds);
      rmSync(out, { force: true });
      const r2 = lifeboatStep(bundle, repoDir, password, 'restore', imp.pointId, out, '1');
      t.lbCopyInVerifyRun.push(r2.copySeconds);
      t.lbRestoreVerifyWritten.push(r2.copySeconds + r2.verifyWrittenSeconds);
      rmSync(out, { force: true });
      const nc = timedRunWithMemory('nbdcopy', [mixed, out]);
      t.nbdcopy.push(nc.seconds);
      rmSync(out, { force: true });

      const di = lifeboatStep(bundle, repoDir, password, 'import', dense);
      t.denseImport.push(di.seconds);
      const ti = lifeboatStep(bundle, repoDir, password, 'import', thin);
      t.thinImport.push(ti.seconds);
      t.denseRestore.push(lifeboatStep(bundle, repoDir, password, 'restore', di.pointId, out, '0').seconds);
      rmSync(out, { force: true });
      t.thinRestore.push(lifeboatStep(bundle, repoDir, password, 'restore', ti.pointId, out, '0').seconds);
      rmSync(out, { force: true });
      const qPoints = quarters.map((q) => lifeboatStep(bundle, repoDir, password, 'import', q).pointId);
      const qOut = quarters.map((_, k) => join(work, `q-out-${k}.img`));
      const four = lifeboatStep(bundle, repoDir, password, 'restore-parallel', ...qPoints.flatMap((p, k) => [p, qOut[k]]));
      t.fourParallel.push(four.seconds);
      mem.fourParallel.push(four.maxRssMiB);
      for (const f of qOut) rmSync(f, { force: true });
      rmSync(repoDir, { recursive: true, force: true });
      rmSync(resticDir, { recursive: true, force: true });
    }
    log('floors (openssl speed, zstd -b)…');
    const floor = floors(work, dense);

    // A peer that did not run (borg not installed) has no times: its rows say why instead of a ratio.
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length > 0 ? median(v) : null]));
    // Ratios are the median of each run's own pair (pairRatio); a peer that did not run has none.
    const ratioOf = (a, b) => (t[b].length > 0 ? pairRatio(t[a], t[b]) : null);
    const mm = Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, v.length > 0 ? Math.max(...v) : null]));
    const dataMB = (half * MiB) / 1e6;
    const rows = [
      ['restore repository → raw, no verify, vs restic restore', 'lbRestore', 'rsRestore', '≤ 0.5'],
      ['same vs borg extract --sparse', 'lbRestore', 'borgExtract', '≤ 0.6'],
      ['verified restore (export API, raw: read back while writing) vs restic restore', 'exportApi', 'rsRestore', '—'],
      ['verify overhead: restore verified while writing / restore without verify', 'lbRestoreReadBack', 'lbRestore', '≤ 1.25'],
      ['verified export, the whole API call (staging, sync, rename) / restore', 'exportApi', 'lbRestore', '—'],
      ['after-writing verify vs CRC-32s (streamOptimized, restore job) / its copy', 'lbRestoreVerifyWritten', 'lbCopyInVerifyRun', '—'],
      ['restore vs nbdcopy raw→raw of the plain image (copy floor)', 'lbRestore', 'nbdcopy', '—'],
      ['import vs restic backup', 'lbImport', 'rsBackup', '≤ 0.5'],
      ['import vs borg create (informational)', 'lbImport', 'borgCreate', '—'],
      [`thin ${half * 16} MiB / ${half} MiB data vs dense ${half} MiB: import`, 'thinImport', 'denseImport', '≤ 1.2'],
      ['same: restore', 'thinRestore', 'denseRestore', '≤ 1.2'],
      ['restore with decoding on the main thread (no pool) vs restic restore', 'lbRestoreInThread', 'rsRestore', '—'],
      ['restore with one decode worker / with decoding on the main thread', 'lbRestorePool', 'lbRestoreInThread', '< 1'],
      // The same amount of data as one disk or as four quarter-size disks at once: below 1, parallel disks go faster.
      ['4 disks in parallel (¼ of the data each) / 1 disk of all the data', 'fourParallel', 'lbRestore', '≤ 1'],
    ].map(([name, a, b, goal]) => ({
      workload: name,
      lifeboatSeconds: m[a],
      peerSeconds: m[b],
      ratio: ratioOf(a, b),
      goal,
      ...(m[b] === null && b.startsWith('borg') ? { note: BORG_INSTALL_HINT } : {}),
    }));
    const report = {
      bench: 'restore-ratios',
      runs: args.runs,
      images: { mixedMiB: args.sizeMiB, dataMiB: half, thinMiB: half * 16 },
      peers: { borg: borgVer ?? null, borgSettings: borgVer ? 'repokey (AES-CTR-256 + HMAC-SHA256), zstd,3, fixed chunker, --sparse' : null },
      medians: m,
      peakMemoryMiB: mm,
      lifeboatRestoreMBps: dataMB / m.lbRestore,
      floors: floor,
      cpuPerWall: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)])),
      exportThroughEngineApi: { seconds: m.exportApi, ...loopSummary(loop) },
      importThroughEngineApi: loopSummary(importLoop),
      rows,
    };
    const jsonPath = saveReport('restore-ratios.json', report);
    if (args.json) printReport(report);
    else {
      const table = [['workload', 'Lifeboat s', 'peer s', 'ratio', 'goal']];
      for (const r of rows)
        table.push([
          r.workload,
          r.lifeboatSeconds.toFixed(2),
          r.peerSeconds === null ? '—' : r.peerSeconds.toFixed(2),
          r.ratio === null ? '—' : r.ratio.toFixed(2),
          r.note ? `${r.goal} (${r.note})` : r.goal,
        ]);
      // Lifeboat's peak memory next to the peer's (`shown` when Lifeboat's cell says more).
      const memoryRow = (name, lifeboat, peer, shown = lifeboat.toFixed(0)) =>
        table.push([name, shown, peer.toFixed(0), (lifeboat / peer).toFixed(2), '≤ 256 MiB']);
      memoryRow(
        'peak memory, restore (verify) vs restic restore, MiB',
        mm.lbRestore,
        mm.rsRestore,
        `${mm.lbRestore.toFixed(0)} (${mm.lbRestoreVerify.toFixed(0)})`,
      );
      memoryRow('peak memory, import vs restic backup, MiB', mm.lbImport, mm.rsBackup);
      if (mm.borgExtract !== null) memoryRow('peak memory, restore vs borg extract, MiB', mm.lbRestore, mm.borgExtract);
      table.push(['peak memory, 4 disks restored in parallel, MiB', mm.fourParallel.toFixed(0), '—', '—', '≤ 256 MiB']);
      for (const [name, api] of [
        ['export API (raw)', report.exportThroughEngineApi],
        ['import API', report.importThroughEngineApi],
      ]) {
        table.push([`${name}: event-loop delay p99 / max, ms`, `${api.eventLoopDelayP99Ms.toFixed(1)} / ${api.eventLoopDelayMaxMs.toFixed(0)}`, '—', '—', 'p99 < 50 ms']);
        table.push([`${name}: progress events/s (worst gap as Hz)`, `${api.progressEventsPerSecond.toFixed(1)} (${api.progressWorstHz.toFixed(1)})`, '—', '—', '≥ 4 Hz']);
      }
      process.stdout.write(
        `Issue 13 ratios: median of ${args.runs}, Lifeboat / peer (lower is better); ${args.sizeMiB} MiB mixed image, ${half} MiB of data\n`,
      );
      for (const line of tableLines(table)) process.stdout.write(line + '\n');
      process.stdout.write(
        `Lifeboat restore ${(dataMB / m.lbRestore).toFixed(0)} MB/s of data; floors on this machine: AES-256-GCM ${floor.aesGcmMBps?.toFixed(0) ?? '?'} MB/s, zstd -3 decompress ${floor.zstdDecompressMBps?.toFixed(0) ?? '?'} MB/s (one core)\n`,
      );
      process.stdout.write(
        `CPU/wall of the restore: ${report.cpuPerWall.lbRestorePool.toFixed(2)} with one decode worker, ${report.cpuPerWall.lbRestoreInThread.toFixed(2)} decoding on the main thread\n`,
      );
      process.stdout.write(
        borgVer ? `borg ${borgVer}: ${report.peers.borgSettings} (borg-peer.mjs says why)\n` : `${BORG_INSTALL_HINT}\n`,
      );
      process.stdout.write(`JSON: ${jsonPath}\n`);
    }
  } finally {
    if (args.keep) process.stderr.write(`work folder kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  child(process.argv.slice(3)).catch((err) => {
    process.stderr.write(`restore-ratios-bench step: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  });
} else {
  main().catch((err) => {
    process.stderr.write(`restore-ratios-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
