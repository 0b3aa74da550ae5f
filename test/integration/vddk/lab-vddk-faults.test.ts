import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VddkCallError, VddkError, VddkWorkerExitedError, VixErrorCode } from '../../../electron/vddk/vddk-error';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, MiB, sanitizerEnv, startLabSession, type LabFolder } from './lab-vddk-fixture';

/** A session with one 4 MiB disk "[ds1] f.vmdk" already created. */
async function sessionWithDisk(lab: LabFolder, options: Parameters<typeof startLabSession>[1]): Promise<VddkSession> {
  const session = await startLabSession(lab, options);
  const local = await session.connect({});
  await local.createDisk(join(lab.datastore, 'f.vmdk'), { capacityBytes: 4 * MiB });
  await local.disconnect();
  return session;
}

describe('lab VDDK fault injection and worker failure', () => {
  let lab: LabFolder;
  let session: VddkSession | undefined;

  beforeAll(() => ensureNativeBuilt());
  afterEach(async () => {
    await session?.close();
    session = undefined;
    lab?.remove();
  });

  it('surfaces an injected write fault with high bits set as a VddkError compared on the low 16 bits', async () => {
    lab = makeLabFolder();
    const raw = 0x00001234_00000008n; // DISK_FULL with upper bits set
    session = await sessionWithDisk(lab, { fault: { failWriteN: 2, errorCode: raw } });
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    await disk.write(0, Buffer.alloc(4096, 1));
    const err = await disk.write(MiB, Buffer.alloc(4096, 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VddkError);
    const v = err as VddkError;
    expect(v.code).toBe(VixErrorCode.diskFull);
    expect(v.is(VixErrorCode.diskFull)).toBe(true);
    expect(v.raw).toBe(raw);
    expect(v.raw).not.toBe(BigInt(VixErrorCode.diskFull));
    expect(v.operation).toBe('write');
    expect(v.vixMessage).toMatch(/disk is full/);
    expect(v.message).toContain('VIX error 8');
    // The third write is fine again: only the Nth fails.
    await disk.write(2 * MiB, Buffer.alloc(4096, 3));
    await disk.close();
  });

  it('drops a remote connection after N I/O calls with a connection-lost error', async () => {
    lab = makeLabFolder();
    session = await sessionWithDisk(lab, { fault: { dropAfterN: 3 } });
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    const disk = await conn.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    for (let i = 0; i < 3; i++) await disk.read(0, 512);
    const err = await disk.read(0, 512).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VddkError);
    expect((err as VddkError).code).toBe(VixErrorCode.hostTcpConnLost);
    await disk.close();
  });

  it('fails PrepareForAccess against a bare ESXi host like real VDDK', async () => {
    lab = makeLabFolder();
    session = await startLabSession(lab, { serverMode: 'esxi' });
    const err = await session.prepareForAccess(labRemote, 'lifeboat').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VddkError);
    expect((err as VddkError).code).toBe(VixErrorCode.notSupported);
  });

  it('changes the MBR signature on hotadd writes to sector 0 when asked (STEP-WINDOWS-SIGNATURE)', async () => {
    lab = makeLabFolder();
    session = await sessionWithDisk(lab, { hotaddChangesSignature: true });
    const mbr = Buffer.alloc(512);
    mbr.writeUInt32LE(0xdeadbeef, 440);
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    const hot = await session.connect({ ...labRemote, transports: ['hotadd'] });
    const disk = await hot.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    expect(disk.transportMode).toBe('hotadd');
    await disk.write(0, Buffer.concat([mbr, Buffer.alloc(512, 9)]));
    await disk.close();
    await hot.disconnect();
    const nbd = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    const check = await nbd.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    const back = await check.read(0, 1024);
    expect(back.readUInt32LE(440)).not.toBe(0xdeadbeef);
    expect(back.subarray(444, 512).equals(mbr.subarray(444))).toBe(true);
    expect(back.subarray(512).equals(Buffer.alloc(512, 9))).toBe(true);
    // Over nbdssl the signature is written as given: the fix-up path works.
    await check.write(0, mbr);
    expect((await check.read(0, 512)).equals(mbr)).toBe(true);
    await check.close();
  });

  it('completes async I/O both inside the call and from another thread', async () => {
    for (const asyncMode of ['sync', 'thread'] as const) {
      lab = makeLabFolder();
      session = await sessionWithDisk(lab, { asyncMode });
      const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
      const disk = await conn.openDisk('[ds1] f.vmdk', { asyncIo: true, keepaliveMs: 0 });
      const data = Buffer.alloc(MiB + 512, 0x5a);
      await disk.write(512, data);
      expect((await disk.read(512, data.length)).equals(data)).toBe(true);
      await disk.close();
      await session.close();
      session = undefined;
      lab.remove();
    }
  });

  it('turns a killed worker into typed errors on every pending call, and on later calls', async () => {
    lab = makeLabFolder();
    session = await sessionWithDisk(lab, { fault: { delayMs: 200 } });
    const conn = await session.connect({ ...labRemote, transports: ['nbd'] });
    const disk = await conn.openDisk('[ds1] f.vmdk', { keepaliveMs: 0 });
    const pending = [disk.read(0, 512), disk.write(MiB, Buffer.alloc(512)), session.ping()].map((p) =>
      p.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    process.kill(session.worker.pid!, 'SIGKILL');
    const results = await Promise.all(pending);
    const errors = results.filter((r) => r instanceof VddkWorkerExitedError) as VddkWorkerExitedError[];
    // The ping may have answered before the kill; the delayed disk calls cannot have.
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]!.signal).toBe('SIGKILL');
    expect(errors[0]!.message).toMatch(/worker process was killed by SIGKILL/);
    const later = await disk.read(0, 512).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(VddkWorkerExitedError);
    expect(session.worker.running).toBe(false);
  });

  it('says where it looked when the VDDK folder is empty, and the worker stops cleanly', async () => {
    lab = makeLabFolder();
    const err = await VddkSession.start({ vddkDir: lab.datastore, tmpRoot: lab.root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VddkCallError);
    expect((err as Error).message).toBe(
      `VDDK not found in ${lab.datastore}; looked for lib64/libvixDiskLib.so.9, lib64/libvixDiskLib.so.8, ` +
        'lib64/libvixDiskLib.so.7, lib64/libvixDiskLib.so.6, libvixDiskLib.so.9, libvixDiskLib.so.8, libvixDiskLib.so.7, libvixDiskLib.so.6',
    );
    // The session folder it made for the config file is gone again.
    expect(readdirSync(lab.root).filter((f) => f.startsWith('lifeboat-vddk-'))).toEqual([]);
  });

  it('runs the worker with an injected executable (how the Electron shell supplies its own node)', async () => {
    lab = makeLabFolder();
    const wrapper = join(lab.root, 'bundled-node');
    const marker = join(lab.root, 'wrapper-ran');
    writeFileSync(wrapper, `#!/bin/sh\ntouch '${marker}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
    session = await startLabSession(lab, {}, { executable: wrapper, env: { ...process.env, ...sanitizerEnv() } });
    expect(await session.transportModes()).toContain('nbd');
    expect(existsSync(marker)).toBe(true);
  });

  it('never puts the password on the worker command line or in its environment', async () => {
    lab = makeLabFolder();
    session = await startLabSession(lab);
    await session.connect(labRemote);
    const pid = session.worker.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    expect(cmdline).not.toContain(labRemote.password);
    expect(environ).not.toContain(labRemote.password);
    // VDDK's lib64 is never the search path of the worker's process image.
    expect(environ).not.toContain(`LD_LIBRARY_PATH=${join(session.library.libraryPath, '..')}`);
  });
});
