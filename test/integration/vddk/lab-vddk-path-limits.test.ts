import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VddkError, VixErrorCode } from '../../../electron/vddk/vddk-error';
import type { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, labRemote, makeLabFolder, startLabSession, type LabFolder } from './lab-vddk-fixture';

/** C hygiene in the lab VDDK: what does not fit a fixed buffer is an error, never a shorter, different name. */
describe('lab VDDK paths and config lines that do not fit', () => {
  let lab: LabFolder | undefined;
  let session: VddkSession | undefined;
  beforeAll(() => ensureNativeBuilt());
  afterEach(async () => {
    await session?.close();
    session = undefined;
    lab?.remove();
  });

  it('refuses a datastore path longer than it can hold instead of opening a truncated one', async () => {
    lab = makeLabFolder();
    const deep = join(lab.datastore, ...Array.from({ length: 21 }, (_, i) => `${i}`.padEnd(200, 'd')));
    session = await startLabSession(lab, { transports: 'nbdssl' }, { extraConfig: { 'labvddk.datastore.deep': deep } });
    const conn = await session.connect({ ...labRemote, transports: ['nbdssl'] });
    const err = await conn.openDisk(`[deep] ${'v'.repeat(200)}/disk.vmdk`, { keepaliveMs: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VddkError);
    expect((err as VddkError).code).toBe(VixErrorCode.invalidArg);
    await conn.disconnect();
  });

  it('refuses a config line longer than its buffer at InitEx instead of reading its tail as another key', async () => {
    lab = makeLabFolder();
    const err = await startLabSession(lab, {}, { extraConfig: { 'labvddk.note': 'n'.repeat(9000) } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/init failed: One of the parameters was invalid/);
  });
});
