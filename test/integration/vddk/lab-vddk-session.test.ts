import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverVddk, labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkError, VixErrorCode } from '../../../electron/vddk/vddk-error';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, startLabSession, type LabFolder } from './lab-vddk-fixture';

describe('lab VDDK through the real addon and worker', () => {
  let lab: LabFolder;
  let session: VddkSession;

  beforeAll(async () => {
    ensureNativeBuilt();
    lab = makeLabFolder();
    session = await startLabSession(lab, { transports: 'san:hotadd:nbdssl:nbd' });
  });
  afterAll(async () => {
    await session?.close();
    lab?.remove();
  });

  it('is found by discovery like a VDDK distribution and loads as major version 8', () => {
    const found = discoverVddk(labVddkDir());
    expect(found.found).toBe(true);
    expect(found.majorVersion).toBe(8);
    expect(found.library).toBe(join(labVddkDir(), 'lib64', 'libvixDiskLib.so.8'));
    expect(session.library.majorVersion).toBe(8);
    expect(session.library.libraryPath).toBe(found.library);
    expect(session.library.optionalFunctions).toContain('QueryAllocatedBlocks');
  });

  it('writes the NFC-TIMEOUTS config file for the session', () => {
    const text = readFileSync(session.configFile, 'utf8');
    expect(text).toContain('vixDiskLib.nfc.ReadTimeoutMs = 60000');
    expect(text).toContain('vixDiskLib.nfc.WriteTimeoutMs = 600000');
    expect(text).toContain(`tmpDirectory = "${session.sessionDir}"`);
    expect(text).toContain(`labvddk.datastore.ds1 = "${lab.datastore}"`);
    expect(statSync(session.configFile).mode & 0o077).toBe(0);
  });

  it('lists the transport modes from the lab config', async () => {
    expect(await session.transportModes()).toEqual(['san', 'hotadd', 'nbdssl', 'nbd']);
  });

  it('creates a disk qemu-img accepts, and round-trips data over the first allowed transport', async () => {
    const local = await session.connect({});
    await local.createDisk(join(lab.datastore, 'disk.vmdk'), { capacityBytes: 16 * MiB });
    await local.disconnect();
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '--output=json', join(lab.datastore, 'disk.vmdk')], { encoding: 'utf8' }),
    );
    expect(info['virtual-size']).toBe(16 * MiB);
    expect(info.format).toBe('vmdk');

    const conn = await session.connect({ ...labRemote, transports: ['nbdssl', 'nbd'] });
    const disk = await conn.openDisk('[ds1] disk.vmdk');
    expect(disk.transportMode).toBe('nbdssl');
    expect(disk.maxRequestBytes).toBe(2 * MiB);
    expect(disk.capacity).toBe(16 * MiB);
    const data = Buffer.alloc(3 * MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 0xff;
    await disk.write(4 * MiB, data);
    await disk.flush();
    expect((await disk.read(4 * MiB, 3 * MiB)).equals(data)).toBe(true);
    expect((await disk.read(0, 4096)).every((b) => b === 0)).toBe(true);
    await disk.close();
    await conn.disconnect();

    // The flat extent holds the bytes where a plain reader expects them.
    const flat = readFileSync(join(lab.datastore, 'disk-flat.vmdk'));
    expect(flat.length).toBe(16 * MiB);
    expect(flat.subarray(4 * MiB, 7 * MiB).equals(data)).toBe(true);
    execFileSync('qemu-img', ['check', join(lab.datastore, 'disk.vmdk')]);
  });

  it('opens a monolithicFlat disk made by qemu-img, and qemu-img reads back what it wrote', async () => {
    const path = join(lab.datastore, 'qemu.vmdk');
    execFileSync('qemu-img', ['create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat,adapter_type=ide', path, '8M']);
    const local = await session.connect({});
    const disk = await local.openDisk(path, { keepaliveMs: 0 });
    expect(disk.capacity).toBe(8 * MiB);
    expect(disk.info.adapterType).toBe(1); // ide
    await disk.write(MiB, Buffer.alloc(4096, 0x33));
    await disk.close();
    await local.disconnect();
    const map = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', path], { encoding: 'utf8' })) as Array<{
      start: number;
      length: number;
      data: boolean;
    }>;
    expect(map.some((m) => m.data && m.start <= MiB && m.start + m.length >= MiB + 4096)).toBe(true);
  });

  it('picks "file" for a local connection and the first mode the lab allows for a remote one', async () => {
    const local = await session.connect({});
    const d1 = await local.openDisk(join(lab.datastore, 'disk.vmdk'), { readOnly: true });
    expect(d1.transportMode).toBe('file');
    await d1.close();
    await local.disconnect();
    const remote = await session.connect({ ...labRemote, transports: ['hotadd', 'nbd'] });
    const d2 = await remote.openDisk('[ds1] disk.vmdk', { readOnly: true });
    expect(d2.transportMode).toBe('hotadd');
    expect(d2.maxRequestBytes).toBe(8 * MiB);
    await d2.close();
    await remote.disconnect();
  });

  it('reports out-of-range, read-only and unknown-datastore errors as typed VIX errors', async () => {
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const ro = await conn.openDisk('[ds1] disk.vmdk', { readOnly: true, keepaliveMs: 0 });
    await expect(ro.write(0, Buffer.alloc(512))).rejects.toThrow(/read-only/);
    await ro.close();

    const missing = await conn.openDisk('[nope] disk.vmdk').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(VddkError);
    expect((missing as VddkError).code).toBe(VixErrorCode.fileNotFound);
    expect((missing as VddkError).operation).toBe('open');

    // Below the DiskImage range check: ask the worker directly for a sector past the end.
    const disk = await conn.openDisk('[ds1] disk.vmdk', { keepaliveMs: 0 });
    const handle = (disk as unknown as { handle: number }).handle;
    const outOfRange = await session.worker.call('read', [handle, (16 * MiB) / 512, 1]).catch((e: unknown) => e);
    expect(outOfRange).toBeInstanceOf(VddkError);
    expect((outOfRange as VddkError).code).toBe(VixErrorCode.diskOutOfRange);
    expect((outOfRange as VddkError).vixMessage).toMatch(/outside the disk/);
    const zeroLength = await session.worker.call('read', [handle, 0, 0]).catch((e: unknown) => e);
    expect((zeroLength as VddkError).code).toBe(VixErrorCode.invalidArg);
    await disk.close();
    await conn.disconnect();
  });

  it('queries allocation of a 40 GiB disk in 32 GiB calls and reports an unaligned tail as data', async () => {
    // 40 GiB is more than the lab accepts in one call (524288 chunks of 64 KiB): the addon must split.
    const GiB = 1024 * MiB;
    const local = await session.connect({});
    await local.createDisk(join(lab.datastore, 'wide.vmdk'), { capacityBytes: 40 * GiB + 512 });
    await local.disconnect();
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] wide.vmdk', { keepaliveMs: 0 });
    await disk.write(MiB, Buffer.alloc(64 * 1024, 1));
    await disk.write(35 * GiB, Buffer.alloc(64 * 1024, 2));
    const sectors = (40 * GiB) / 512 + 1;
    expect(disk.info.capacitySectors).toBe(sectors);
    expect(await disk.allocatedBlocks()).toEqual([
      [MiB / 512, 128],
      [(35 * GiB) / 512, 128],
      [sectors - 1, 1],
    ]);
    const extents = await disk.extents(35 * GiB - MiB, 2 * MiB);
    expect(extents).toEqual([
      { offset: 35 * GiB - MiB, length: MiB, kind: 'zero' },
      { offset: 35 * GiB, length: 64 * 1024, kind: 'data' },
      { offset: 35 * GiB + 64 * 1024, length: MiB - 64 * 1024, kind: 'zero' },
    ]);
    await disk.close();
    await conn.disconnect();
  });

  it('appends each write to the change-tracking log next to the descriptor', async () => {
    const logPath = join(lab.datastore, 'disk-lab-ctk.log');
    const before = readFileSync(logPath, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('w ')).length;
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] disk.vmdk', { keepaliveMs: 0 });
    await disk.write(MiB, Buffer.alloc(64 * 1024, 1));
    await disk.close();
    await conn.disconnect();
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('# labvddk change log v1');
    expect(lines[1]).toMatch(/^epoch [0-9a-f]{16}$/);
    expect(lines[lines.length - 1]).toBe(`w ${before + 1} ${MiB / 512} 128`);
  });

  it('records PrepareForAccess/EndAccess and Cleanup in the lab state folder', async () => {
    await session.prepareForAccess(labRemote, 'lifeboat-restore-1');
    await session.endAccess(labRemote, 'lifeboat-restore-1');
    const counts = await session.cleanup(labRemote);
    expect(counts).toEqual({ cleanedUp: 0, remaining: 0 });
    const log = readFileSync(join(lab.state, 'labvddk-access.log'), 'utf8');
    expect(log).toBe('prepare lifeboat-restore-1 moref=vm-42\nend lifeboat-restore-1 moref=vm-42\n');
    expect(readFileSync(join(lab.state, 'labvddk-cleanup.log'), 'utf8')).toBe('cleanup vcsim.lab cleaned=0 remaining=0\n');
    await expect(session.prepareForAccess(labRemote, 'x'.repeat(51))).rejects.toThrow(RangeError);
  });

  it('keeps an idle disk alive by reading sector 0 (NFC-KEEPALIVE)', async () => {
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] disk.vmdk', { readOnly: true, keepaliveMs: 100 });
    await new Promise((r) => setTimeout(r, 450));
    expect(disk.keepaliveReads).toBeGreaterThanOrEqual(2);
    await disk.close();
    await conn.disconnect();
  });

  it('connects with a session cookie, and closes disks left open when disconnecting', async () => {
    const { password: _unused, ...noPassword } = labRemote;
    const conn = await session.connect({ ...noPassword, cookie: 'vmware_soap_session="abc"', transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] disk.vmdk', { keepaliveMs: 0 });
    await conn.disconnect();
    await expect(disk.read(0, 512)).rejects.toThrow(/is closed/);
    // The handle really was closed: a writable open of the same disk is possible again.
    const again = await session.connect({ ...labRemote, transports: ['nbd'] });
    const writable = await again.openDisk('[ds1] disk.vmdk', { keepaliveMs: 0 });
    await writable.close();
    await again.disconnect();
  });

  it('answers pings while the worker is busy', async () => {
    const t = await session.ping();
    expect(Math.abs(t - Date.now())).toBeLessThan(5000);
    expect(existsSync(session.sessionDir)).toBe(true);
  });
});
