#!/usr/bin/env node
// Writes N MiB (default 1024; LIFEBOAT_BENCH_MIB overrides) of random data
// through the lab VDDK (real addon, worker process, NBDSSL-sized 2 MiB requests
// and HotAdd-sized 8 MiB requests) and compares MB/s with nbdcopy copying the
// same amount from nbdkit's random plugin into a raw file. `--json` for JSON.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVddkSource, root } from './bench-bundle.mjs';
import { run } from './bench-process.mjs';
import { connectLab, startLabVddkSession } from './lab-vddk-session.mjs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: [LIFEBOAT_BENCH_MIB=N (default 1024)] node test/bench/vddk-bench.mjs [--json]\n');
  process.exit(0);
}
const json = process.argv.includes('--json');
const mib = Number(process.env.LIFEBOAT_BENCH_MIB ?? 1024);
if (!Number.isInteger(mib) || mib <= 0) {
  console.error(`LIFEBOAT_BENCH_MIB must be a positive whole number of MiB, not ${process.env.LIFEBOAT_BENCH_MIB}`);
  process.exit(2);
}
const MiB = 1024 * 1024;
const note = (t) => process.stderr.write(`vddk-bench: ${t}\n`);

if (process.platform !== 'linux') {
  note('the lab VDDK is Linux-only; nothing to measure here');
  process.exit(0);
}

// The engine's VDDK layer, bundled from source (it is TypeScript) next to the native build.
run(process.execPath, [join(root, 'native', 'build.mjs'), '--quiet']);
const vddkLayer = await loadVddkSource(
  join(root, 'native', 'build', 'bench', 'vddk-bench-lib.cjs'),
  "export * from './vddk-session'; export * from './lab-vddk-config'; export * from './vddk-discovery';",
);

const work = mkdtempSync(join(tmpdir(), 'lifeboat-vddk-bench-'));
const results = [];
try {
  const datastore = join(work, 'ds1');
  mkdirSync(datastore);
  const session = await startLabVddkSession(vddkLayer, work, datastore);
  try {
    const local = await session.connect({});
    const remote = await connectLab(session, ['hotadd', 'nbdssl']);
    const data = randomBytes(8 * MiB);
    for (const transport of ['nbdssl', 'hotadd']) {
      const name = `${transport}.vmdk`;
      await local.createDisk(join(datastore, name), { capacityBytes: mib * MiB });
      const conn = transport === 'hotadd' ? remote : await connectLab(session, ['nbdssl']);
      const disk = await conn.openDisk(`[ds1] ${name}`, { keepaliveMs: 0 });
      const started = performance.now();
      for (let done = 0; done < mib * MiB; done += data.length) {
        const n = Math.min(data.length, mib * MiB - done);
        await disk.write(done, n === data.length ? data : data.subarray(0, n));
      }
      await disk.flush();
      const seconds = (performance.now() - started) / 1000;
      await disk.close();
      if (conn !== remote) await conn.disconnect();
      results.push({
        path: `lab VDDK write (${transport}, ${disk.maxRequestBytes / MiB} MiB requests)`,
        mib,
        seconds,
        mibPerSecond: mib / seconds,
      });
      rmSync(join(datastore, `${transport}-flat.vmdk`), { force: true });
    }
  } finally {
    await session.close();
  }

  const out = join(work, 'nbdcopy.raw');
  const started = performance.now();
  run('nbdcopy', ['--', '[', 'nbdkit', '--exit-with-parent', 'random', `size=${mib}M`, ']', out]);
  const seconds = (performance.now() - started) / 1000;
  results.push({ path: 'nbdcopy nbdkit-random → raw file', mib, seconds, mibPerSecond: mib / seconds });
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (json) {
  console.log(JSON.stringify({ bench: 'vddk', mib, results }, null, 2));
} else {
  const width = Math.max(...results.map((r) => r.path.length));
  console.log(`${'path'.padEnd(width)}  ${'MiB'.padStart(6)}  ${'seconds'.padStart(8)}  ${'MiB/s'.padStart(8)}`);
  for (const r of results) {
    console.log(
      `${r.path.padEnd(width)}  ${String(r.mib).padStart(6)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.mibPerSecond.toFixed(1).padStart(8)}`,
    );
  }
}
