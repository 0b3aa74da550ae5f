import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { crc32 } from '../../../electron/restore-points/demo-disk-layout';
import { DEMO_PASSWORD, DemoRepositoryError, ensureDemoRepository } from '../../../electron/restore-points/demo-restore-point';

const GiB = 1024 ** 3;
const KDF = { name: 'scrypt' as const, N: 1024, r: 8, p: 1 };

describe('demo restore point', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-demo-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds every field a Windows EFI/vTPM restore needs', async () => {
    const repoDir = join(dir, 'repo');
    const result = await ensureDemoRepository(repoDir, { kdf: KDF });
    expect(result.reused).toBe(false);
    expect(result.repositoryCreated).toBe(true);
    const m = result.manifest;
    expect(m.vm.name).toBe('demo-win2022');
    expect(m.firmware).toBe('efi');
    expect(m.vtpm).toMatchObject({ key: 11000 });
    expect(m.keyId).toMatchObject({ keyId: expect.stringMatching(/^DEMO-/) });
    expect(m.encryptionBundle).toMatch(/^DEMO-ONLY/);
    expect(m.storagePolicy).toMatchObject({ name: 'VM Encryption Policy' });
    // Windows Server 2022 is vSphere's windows2019srvNext_64Guest (windows2022srvNext_64Guest is Server 2025, vSphere 8 only).
    expect(m.configInfo.guestId).toBe('windows2019srvNext_64Guest');
    expect(m.nvram?.fileName).toBe('demo-win2022.nvram');
    expect(m.skippedIndependentDisks).toEqual([expect.objectContaining({ key: 2002, diskMode: 'independent_persistent' })]);

    const [d0, d1] = m.disks;
    expect(d0).toMatchObject({ key: 2000, label: 'Hard disk 1', capacity: 16 * GiB, provisioning: 'thin' });
    expect(d0!.controller).toEqual({ type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: 0 });
    expect(d1).toMatchObject({ key: 2001, label: 'Hard disk 2', capacity: 4 * GiB, provisioning: 'lazyzeroed' });
    expect(d1!.controller.unitNumber).toBe(1);

    // STEP-WINDOWS-SIGNATURE: sector 0 and LBA 1 saved per disk.
    const s0 = Buffer.from(d0!.sector0, 'base64');
    expect(s0.readUInt16BE(510)).toBe(0x55aa);
    expect(s0.readUInt32LE(440)).toBe(0x7e1d5a0c);
    expect(s0[446 + 4]).toBe(0x07);
    expect(s0.readUInt32LE(446 + 8)).toBe(2048);
    const gpt = Buffer.from(d1!.gptHeader, 'base64');
    expect(gpt.toString('ascii', 0, 8)).toBe('EFI PART');
    const header = Buffer.from(gpt.subarray(0, 92));
    const stored = header.readUInt32LE(16);
    header.writeUInt32LE(0, 16);
    expect(crc32(header)).toBe(stored);
    expect(Buffer.from(d1!.sector0, 'base64')[446 + 4]).toBe(0xee);

    // The thin disk is mostly a hole; the thick one is allocated zeros around its data.
    expect(d0!.allocatedBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(d0!.allocatedBytes).toBeLessThan(16 * 1024 * 1024);
    expect(d0!.blockMap.some((r) => r.kind === 'unallocated')).toBe(true);
    expect(d0!.blockMap.some((r) => r.kind === 'zero')).toBe(false);
    expect(d1!.blockMap.some((r) => r.kind === 'unallocated')).toBe(false);
    expect(d1!.blockMap.some((r) => r.kind === 'zero')).toBe(true);

    // Read back through the repository.
    const repo = await Repository.open(new LocalFolderBackend(repoDir), DEMO_PASSWORD);
    const point = await repo.openPoint(result.pointId);
    const disk0 = point.disk(2000);
    expect((await disk0.read(0, 512)).equals(s0)).toBe(true);
    const boot = await disk0.read(2048 * 512, 512);
    expect(boot.toString('ascii', 3, 11)).toBe('NTFS    ');
    const extents = await disk0.extents();
    const data = extents.filter((e) => e.kind === 'data').reduce((s, e) => s + e.length, 0);
    expect(data / disk0.capacity).toBeLessThan(0.001);
    const lba1 = await point.disk(2001).read(512, 512);
    expect(lba1.toString('ascii', 0, 8)).toBe('EFI PART');
    const nvram = await point.readNvram();
    expect(nvram?.data.toString('ascii', 0, 19)).toBe('LIFEBOAT-DEMO-NVRAM');
  });

  it('is idempotent, and --force replaces the point', async () => {
    const repoDir = join(dir, 'repo');
    const first = await ensureDemoRepository(repoDir, { kdf: KDF });
    const second = await ensureDemoRepository(repoDir, { kdf: KDF });
    expect(second.reused).toBe(true);
    expect(second.repositoryCreated).toBe(false);
    expect(second.pointId).toBe(first.pointId);
    const forced = await ensureDemoRepository(repoDir, { force: true, kdf: KDF });
    expect(forced.reused).toBe(false);
    expect(forced.forgotten).toEqual([first.pointId]);
    const repo = await Repository.open(new LocalFolderBackend(repoDir), DEMO_PASSWORD);
    expect(await repo.pointIds()).toEqual([forced.pointId]);
  });

  it('refuses a repository the demo password does not open', async () => {
    const repoDir = join(dir, 'real');
    await Repository.init(new LocalFolderBackend(repoDir), 'someone-elses-password', { kdf: KDF });
    await expect(ensureDemoRepository(repoDir, { kdf: KDF })).rejects.toBeInstanceOf(DemoRepositoryError);
  });
});
