#!/usr/bin/env node
// Disk image write/read throughput per format, next to qemu-img convert of the same data.
//
//   node test/bench/disks-bench.mjs [--size MiB] [--json]
//
// Runs standalone: electron/disks is bundled on the fly with esbuild into
// test-output/bench/. Needs `qemu-img` on PATH. The image is 3/4 data
// (half random, half text-like) and 1/4 zeros, written in 1 MiB requests.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, sizeCheck } from './bench-args.mjs';
import { loadSource, outDir } from './bench-bundle.mjs';
import { timedRun } from './bench-process.mjs';

const MiB = 1024 * 1024;

function parseArgs(argv) {
  return parseBenchArgs(argv, {
    name: 'disks-bench',
    usage: 'usage: node test/bench/disks-bench.mjs [--size MiB (default 128)] [--json]',
    defaults: { sizeMiB: 128, json: false },
    flags: { '--json': 'json' },
    options: { '--size': ['sizeMiB', Number] },
    checks: [sizeCheck(4)],
  });
}

function loadEngine() {
  return loadSource(join(outDir, 'disks-engine.cjs'), "export * from './electron/disks/open-disk-image';");
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
      const qemuMs = timedRun('qemu-img', ['convert', '-f', 'raw', ...qemuArgs, refPath, qemuFile]).seconds * 1000;
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
