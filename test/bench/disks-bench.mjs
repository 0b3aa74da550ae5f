#!/usr/bin/env node
// Disk image write/read throughput per format, next to qemu-img convert of the same data.
//
//   node test/bench/disks-bench.mjs [--size MiB] [--json]
//
// Runs standalone: electron/disks is bundled on the fly with esbuild into
// test-output/bench/. Needs `qemu-img` on PATH. The image is 3/4 data
// (half random, half text-like) and 1/4 zeros, written in 1 MiB requests.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const MiB = 1024 * 1024;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function parseArgs(argv) {
  const args = { sizeMiB: 128, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--size') args.sizeMiB = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node test/bench/disks-bench.mjs [--size MiB (default 128)] [--json]\n');
      process.exit(0);
    } else {
      process.stderr.write(`disks-bench: unknown argument ${a}\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(args.sizeMiB) || args.sizeMiB < 4) {
    process.stderr.write('disks-bench: --size must be a whole number of MiB, at least 4\n');
    process.exit(2);
  }
  return args;
}

async function loadEngine() {
  const outfile = join(root, 'test-output', 'bench', 'disks-engine.cjs');
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: "export * from './electron/disks/open-disk-image';", resolveDir: root, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return createRequire(import.meta.url)(outfile);
}

function makeChunk(i) {
  switch (i % 4) {
    case 0:
      return randomBytes(MiB);
    case 1:
      return Buffer.from('lifeboat restore workstation block '.repeat(MiB / 32).slice(0, MiB));
    case 2:
      return Buffer.alloc(MiB);
    default:
      return Buffer.concat([randomBytes(MiB / 2), Buffer.alloc(MiB / 2, 0x41)]);
  }
}

const mbps = (bytes, ms) => Math.round((bytes / MiB / (ms / 1000)) * 10) / 10;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const engine = await loadEngine();
  const dir = mkdtempSync(join(tmpdir(), 'lifeboat-disks-bench-'));
  const capacity = args.sizeMiB * MiB;
  const chunks = Array.from({ length: args.sizeMiB }, (_, i) => makeChunk(i));
  const refPath = join(dir, 'source.raw');
  writeFileSync(refPath, Buffer.concat(chunks));
  const results = [];
  const qemuSub = {
    'vmdk-flat': 'monolithicFlat',
    'vmdk-sparse': 'monolithicSparse',
    'vmdk-stream-optimized': 'streamOptimized',
  };
  try {
    for (const format of ['raw', 'vmdk-flat', 'vmdk-sparse', 'vmdk-stream-optimized']) {
      process.stderr.write(`disks-bench: ${format}…\n`);
      const file = join(dir, `out-${format}.img`);
      let t = performance.now();
      const image = await engine.createDiskImage(file, format, capacity);
      for (let i = 0; i < chunks.length; i++) await image.write(i * MiB, chunks[i]);
      await image.flush();
      await image.close();
      const writeMs = performance.now() - t;
      t = performance.now();
      const reader = await engine.openDiskImage(file, { readOnly: true });
      for (let off = 0; off < capacity; off += MiB) await reader.read(off, MiB);
      await reader.close();
      const readMs = performance.now() - t;
      const qemuFile = join(dir, `qemu-${format}.img`);
      const qemuArgs = format === 'raw' ? ['-O', 'raw'] : ['-O', 'vmdk', '-o', `subformat=${qemuSub[format]}`];
      t = performance.now();
      const q = spawnSync('qemu-img', ['convert', '-f', 'raw', ...qemuArgs, refPath, qemuFile]);
      const qemuMs = performance.now() - t;
      if (q.status !== 0) throw new Error(`qemu-img convert failed: ${q.stderr}`);
      results.push({
        format,
        writeMBps: mbps(capacity, writeMs),
        readMBps: mbps(capacity, readMs),
        qemuConvertMBps: mbps(capacity, qemuMs),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (args.json) {
    process.stdout.write(JSON.stringify({ bench: 'disks', sizeMiB: args.sizeMiB, results }, null, 2) + '\n');
  } else {
    process.stdout.write(`format                  write MB/s  read MB/s  qemu-img convert MB/s  (${args.sizeMiB} MiB)\n`);
    for (const r of results) {
      process.stdout.write(
        `${r.format.padEnd(24)}${String(r.writeMBps).padStart(10)}${String(r.readMBps).padStart(11)}${String(r.qemuConvertMBps).padStart(23)}\n`,
      );
    }
  }
}

main().catch((err) => {
  process.stderr.write(`disks-bench: ${err.stack ?? err}\n`);
  process.exit(1);
});
