// The benches' generated disk image: mixed data in 1 MiB blocks (unique random, a repeated block,
// compressible text) with holes between them, as a VM's disk has.
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';

const MiB = 1024 * 1024;

/**
 * A raw image of `capacityMiB` with `dataMiB` blocks of data, one every `strideMiB` (the rest reads as zeros):
 * of every four blocks two are random, one repeats the same block, one is text.
 */
export function writeMixedImage(path, capacityMiB, dataMiB, strideMiB) {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, capacityMiB * MiB);
  const dup = randomBytes(MiB);
  const words = Buffer.from(
    'restore point vmdk datastore snapshot change tracking vsphere lifeboat '.repeat(16000).slice(0, MiB),
  );
  for (let i = 0; i < dataMiB; i++) {
    const kind = i % 4;
    const block = kind === 0 || kind === 2 ? randomBytes(MiB) : kind === 1 ? dup : words;
    writeSync(fd, block, 0, MiB, i * strideMiB * MiB);
  }
  closeSync(fd);
}
