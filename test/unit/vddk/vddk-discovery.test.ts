import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverVddk, vddkCandidates } from '../../../electron/vddk/vddk-discovery';

describe('VDDK discovery (file checks only)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lifeboat-vddk-disc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says clearly where it looked when VDDK is absent', () => {
    const r = discoverVddk(dir, {}, 'linux');
    expect(r.found).toBe(false);
    expect(r.dir).toBe(dir);
    expect(r.library).toBeUndefined();
    expect(r.lookedFor[0]).toBe('lib64/libvixDiskLib.so.9');
    expect(r.lookedFor).toContain('libvixDiskLib.so.6');
    expect(r.message).toBe(
      `VDDK not found in ${dir}; looked for lib64/libvixDiskLib.so.9, lib64/libvixDiskLib.so.8, lib64/libvixDiskLib.so.7, ` +
        'lib64/libvixDiskLib.so.6, libvixDiskLib.so.9, libvixDiskLib.so.8, libvixDiskLib.so.7, libvixDiskLib.so.6',
    );
  });

  it('takes the newest version under lib64 first, and the version from the file name', () => {
    mkdirSync(join(dir, 'lib64'));
    writeFileSync(join(dir, 'lib64', 'libvixDiskLib.so.7'), '');
    writeFileSync(join(dir, 'libvixDiskLib.so.9'), '');
    const r = discoverVddk(dir, {}, 'linux');
    expect(r).toMatchObject({ found: true, majorVersion: 7, library: join(dir, 'lib64', 'libvixDiskLib.so.7') });
    expect(r.message).toContain('VDDK 7 found');
  });

  it('falls back to LIFEBOAT_VDDK_DIR, then reports the default folders when nothing is set', () => {
    writeFileSync(join(dir, 'libvixDiskLib.so.8'), '');
    expect(discoverVddk(undefined, { LIFEBOAT_VDDK_DIR: dir }, 'linux')).toMatchObject({ found: true, dir, majorVersion: 8 });
    // No VDDK is installed on development or CI machines (Broadcom restricts its download).
    const none = discoverVddk(undefined, {}, 'linux');
    expect(none.found).toBe(false);
    expect(none.dir).toBeNull();
    expect(none.message).toMatch(/^VDDK not found in \/usr\/lib\/vmware-vix-disklib-distrib, /);
  });

  it('looks for vixDiskLib.dll on Windows', () => {
    expect(vddkCandidates('win32').map((c) => c.relativePath)).toEqual(['bin\\vixDiskLib.dll', 'vixDiskLib.dll']);
  });
});
