import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { DiskFormatError } from '../../../electron/disks/disk-image';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { seededRandom } from './disk-fixtures';

export interface FuzzFailure {
  iteration: number;
  mutation: string;
  error: string;
}

export interface FuzzReport {
  iterations: number;
  formatErrors: number;
  opened: number;
  failures: FuzzFailure[];
}

/** Per-iteration limit: anything slower than this counts as a hang. */
const HANG_MS = 5_000;
const MAX_WINDOW = 2 * 1024 * 1024;

/**
 * Damages a valid image in seeded, reproducible ways (byte flips, random 32/64-bit
 * field values, truncation, trailing garbage), biased towards the metadata at the
 * start and end of the file, then opens it and maps/reads it. Only DiskFormatError
 * is an acceptable failure; anything else, or a hang, is reported.
 */
export async function fuzzImage(valid: Buffer, dir: string, name: string, iterations: number, seed: number): Promise<FuzzReport> {
  const rand = seededRandom(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const file = path.join(dir, name);
  const report: FuzzReport = { iterations, formatErrors: 0, opened: 0, failures: [] };
  for (let i = 0; i < iterations; i++) {
    let bytes = Buffer.from(valid);
    const steps: string[] = [];
    const pick = (): number => {
      const r = rand();
      if (r < 0.45) return int(Math.min(bytes.length, 16 * 1024));
      if (r < 0.75) return Math.max(0, bytes.length - 1 - int(Math.min(bytes.length, 4096)));
      return int(bytes.length);
    };
    const r = rand();
    if (r < 0.15) {
      const len = int(bytes.length);
      bytes = bytes.subarray(0, len);
      steps.push(`truncate to ${len}`);
    } else {
      const count = 1 + int(4);
      for (let k = 0; k < count && bytes.length > 0; k++) {
        const at = pick();
        const kind = rand();
        if (kind < 0.4) {
          bytes[at] = int(256);
          steps.push(`byte ${at}=${bytes[at]}`);
        } else if (kind < 0.7) {
          bytes[at] = (bytes[at] ?? 0) ^ (1 << int(8));
          steps.push(`flip bit at ${at}`);
        } else {
          const aligned = at - (at % 4);
          const value = [0, 1, 0xffffffff, int(0x100000000), int(bytes.length / 512 + 64)][int(5)] ?? 0;
          if (aligned + 4 <= bytes.length) bytes.writeUInt32LE(value >>> 0, aligned);
          steps.push(`u32 ${aligned}=${value}`);
        }
      }
      if (rand() < 0.05) {
        bytes = Buffer.concat([bytes, Buffer.alloc(1 + int(3000), int(256))]);
        steps.push('append garbage');
      }
    }
    await fsp.writeFile(file, bytes);
    const mutation = steps.join(', ');
    try {
      await withTimeout(exercise(file), HANG_MS);
      report.opened++;
    } catch (err) {
      if (err instanceof DiskFormatError) report.formatErrors++;
      else
        report.failures.push({
          iteration: i,
          mutation,
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
    }
  }
  return report;
}

async function exercise(file: string): Promise<void> {
  const image = await openDiskImage(file, { readOnly: true });
  try {
    const window = Math.min(image.capacity, MAX_WINDOW);
    await image.extents(0, window);
    await image.read(0, window);
    const tail = Math.min(image.capacity, 64 * 1024);
    await image.read(image.capacity - tail, tail);
  } finally {
    await image.close();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
