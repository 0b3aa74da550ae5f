import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDiskImage } from '../../../electron/disks/open-disk-image';
import { VmdkSparseImage } from '../../../electron/disks/vmdk-sparse-image';
import { KiB, MiB, patternBytes, referenceBytes, tempDir, type Write } from '../../unit/disks/disk-fixtures';
import { fuzzImage } from '../../unit/disks/vmdk-fuzzer';
import { qemuImg } from './qemu-img';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('disks-interop');
});
afterAll(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

async function expectCleanAndEqual(vmdk: string, reference: Buffer): Promise<void> {
  const refPath = `${vmdk}.ref.raw`;
  await fsp.writeFile(refPath, reference);
  const check = await qemuImg('check', '-f', 'vmdk', vmdk);
  expect(check.stdout).toMatch(/No errors were found/);
  expect(check.code).toBe(0);
  const compare = await qemuImg('compare', '-f', 'raw', '-F', 'vmdk', refPath, vmdk);
  expect(compare.stdout).toMatch(/identical/i);
  expect(compare.code).toBe(0);
}

describe('monolithicSparse written in place by Lifeboat', () => {
  it('modifies an image qemu-img made and qemu-img still finds it clean and equal', async () => {
    const base: Write[] = [{ offset: 64 * KiB, data: patternBytes(128 * KiB, 21) }];
    const src = path.join(dir, 'base.raw');
    await fsp.writeFile(src, referenceBytes(4 * MiB, base));
    const vmdk = path.join(dir, 'qemu-made.vmdk');
    expect((await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=monolithicSparse', src, vmdk)).code).toBe(0);

    const more: Write[] = [
      { offset: 96 * KiB, data: patternBytes(8 * KiB, 22) },
      { offset: 3 * MiB + 512, data: patternBytes(70 * KiB, 23) },
    ];
    const image = await VmdkSparseImage.open(vmdk);
    for (const w of more) await image.write(w.offset, w.data);
    await image.close();
    await expectCleanAndEqual(vmdk, referenceBytes(4 * MiB, [...base, ...more]));
  });

  it('adds a missing grain table that qemu-img then follows', async () => {
    const vmdk = path.join(dir, 'lost-gt.vmdk');
    const created = await VmdkSparseImage.create(vmdk, 6 * MiB, { grainSize: 8 });
    const { gdOffset, rgdOffset } = created.header;
    await created.close();
    // Grain size 8 sectors: each table spans 2 MiB; drop the table of the middle span.
    const h = await fsp.open(vmdk, 'r+');
    await h.write(Buffer.alloc(4), 0, 4, gdOffset * 512 + 4);
    await h.write(Buffer.alloc(4), 0, 4, rgdOffset * 512 + 4);
    await h.close();
    const writes: Write[] = [{ offset: 3 * MiB, data: patternBytes(12 * KiB, 31) }];
    const image = await VmdkSparseImage.open(vmdk);
    for (const w of writes) await image.write(w.offset, w.data);
    await image.close();
    await expectCleanAndEqual(vmdk, referenceBytes(6 * MiB, writes));
  });
});

describe('VMDK readers under damaged qemu-img output', () => {
  const SEED = 0xc0ffee;
  it.each([['monolithicSparse'], ['streamOptimized']])(
    '%s: only DiskFormatError, never a crash or a hang',
    { timeout: 120_000 },
    async (subformat) => {
      const src = path.join(dir, `fuzz-${subformat}.raw`);
      await fsp.writeFile(
        src,
        referenceBytes(MiB, [
          { offset: 0, data: patternBytes(40 * KiB, 5) },
          { offset: 512 * KiB, data: patternBytes(64 * KiB, 6) },
        ]),
      );
      const vmdk = path.join(dir, `fuzz-${subformat}.vmdk`);
      expect((await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, src, vmdk)).code).toBe(0);
      const valid = await openDiskImage(vmdk);
      expect((await valid.read(0, MiB)).equals(await fsp.readFile(src))).toBe(true);
      await valid.close();
      const report = await fuzzImage(await fsp.readFile(vmdk), dir, `fuzzed-${subformat}.vmdk`, 400, SEED);
      expect(report.failures).toEqual([]);
      expect(report.formatErrors).toBeGreaterThan(20);
    },
  );
});
