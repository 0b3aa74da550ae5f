import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupJobOptions } from '../../../electron/backup/backup-runner';
import { BackupFailedError } from '../../../electron/backup/backup-result';
import { vmSnapshots } from '../../../electron/backup/source-vm-facts';
import { LAB_CRYPTO, LAB_VMS } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { nvramFileOf, uploadDatastoreFile } from '../../../electron/vsphere/datastore-files';
import { listVms } from '../../../electron/vsphere/inventory';
import { VimSession } from '../../../electron/vsphere/vim-session';
import { fetchVmConfigInfo } from '../../../electron/vsphere/vm-config-info';
import { TEST_KDF } from '../../unit/repository/repository-fixtures';
import { ensureNativeBuilt } from '../vddk/lab-vddk-fixture';
import { accessLog, flatExtentPath, writeThroughLabVddk } from './lab-backup-fixture';

const MiB = 1024 * 1024;

for (const mode of ['vcenter', 'esxi'] as const) {
  describe(`backup saves what a restore needs (${mode})`, () => {
    let lab: RunningLab;
    let session: VimSession;
    let repo: Repository;
    let work: string;
    let stateDir: string;

    const jobOptions = (vm: string, extra: Partial<BackupJobOptions> = {}): BackupJobOptions => ({
      session,
      repo,
      vm: { name: vm },
      vddk: {
        dir: labVddkDir(),
        extraConfigText: labVddkConfig(lab.info),
        // The lab VDDK refuses PrepareForAccess/EndAccess against a bare host, as VDDK does.
        extraConfig: { 'labvddk.stateDir': stateDir, 'labvddk.serverMode': mode },
        tmpRoot: work,
      },
      credentials: { userName: lab.info.username, password: async () => lab.info.password },
      thumbprintSha1: lab.info.thumbprintSha1,
      keepaliveMs: 0,
      ...extra,
    });

    beforeAll(async () => {
      ensureNativeBuilt();
      work = mkdtempSync(join(tmpdir(), `lifeboat-backup-${mode}-`));
      stateDir = join(work, 'state');
      mkdirSync(stateDir);
      lab = await startVcsim({ mode, vms: 0, datastoreRoot: work });
      session = await VimSession.connect({
        url: lab.info.url,
        username: lab.info.username,
        password: async () => lab.info.password,
        trustedSha256: lab.info.thumbprintSha256,
      });
      repo = await Repository.init(new LocalFolderBackend(join(work, 'repo')), 'pw', { kdf: TEST_KDF });
    }, 180_000);

    afterAll(async () => {
      await session?.close();
      await lab?.stop();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('BACKUP-SAVE-CONFIG: firmware, vTPM, keyId, encryption.bundle, storage policy and NVRAM', async () => {
      const name = mode === 'vcenter' ? LAB_VMS.encrypted : LAB_VMS.efiVtpm;
      const vm = (await listVms(session)).find((v) => v.name === name)!.ref;
      const { config } = await fetchVmConfigInfo(session, vm);
      const nvram = randomBytes(70 * 1024 + 3);
      await uploadDatastoreFile(session, nvramFileOf(lab.info.datacenter, config), nvram);

      const result = await runBackup(jobOptions(name));
      const manifest = await repo.loadPoint(result.pointId);
      expect(manifest.firmware).toBe('efi');
      expect(manifest.vtpm?.$type).toBe('VirtualTPM');
      expect(result.nvramSaved).toBe(true);
      expect((await (await repo.openPoint(result.pointId)).readNvram())?.data.equals(nvram)).toBe(true);
      if (mode === 'vcenter') {
        expect(manifest.keyId?.keyId).toBe(LAB_CRYPTO.keyId);
        expect(manifest.encryptionBundle).toBeTruthy();
        expect((manifest.storagePolicy as { vm: string[] }).vm).toContain('4d5f673c-536f-11e6-beb8-9e71128cae77');
        expect(result.rulesApplied).toContain('CRYPT-CLEAR-ON-MEDIA');
        expect(accessLog(stateDir).filter((l) => l.includes(vm.value))).toEqual([
          `prepare Lifeboat backup moref=${vm.value}`,
          `end Lifeboat backup moref=${vm.value}`,
        ]);
      } else {
        expect(manifest.storagePolicy).toBeNull();
        expect(result.notes.join('\n')).toMatch(/STEP-PREPARE-ACCESS: skipped/);
        expect(accessLog(stateDir)).toEqual([]);
      }
      expect(await vmSnapshots(session, vm)).toEqual([]);
    }, 120_000);

    it('a change id the server no longer knows (CBT reset) makes that disk read in full, still complete', async () => {
      const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!.ref;
      const file = `[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`;
      await writeThroughLabVddk(lab.info, vm.value, file, [{ offset: MiB, data: randomBytes(MiB) }]);
      const first = await runBackup(jobOptions(LAB_VMS.thinThick));
      // A new change log means a new epoch: every saved change id of this disk is void.
      rmSync(flatExtentPath(lab.info, file).replace(/-flat\.vmdk$/, '-lab-ctk.log'));
      await writeThroughLabVddk(lab.info, vm.value, file, [{ offset: 3 * MiB, data: randomBytes(MiB) }]);
      const second = await runBackup(jobOptions(LAB_VMS.thinThick));
      expect(second.parentPointId).toBe(first.pointId);
      const manifest = await repo.loadPoint(second.pointId);
      const key = manifest.disks.find((d) => d.fileName === file)!.key;
      const disk = second.disks.find((d) => d.key === key)!;
      expect(disk.read).toBe('allocated');
      expect(disk.bytesRead).toBe(2 * MiB);
      expect(second.notes.join('\n')).toMatch(/changed areas unavailable/);
      const image = (await repo.openPoint(second.pointId)).disk(key);
      expect((await image.read(0, image.capacity)).equals(readFileSync(flatExtentPath(lab.info, file)))).toBe(true);
    }, 120_000);

    it('a cancelled backup removes its snapshot, ends access and saves no point', async () => {
      const vm = (await listVms(session)).find((v) => v.name === LAB_VMS.thinThick)!.ref;
      const file = `[LocalDS_0] ${LAB_VMS.thinThick}/${LAB_VMS.thinThick}.vmdk`;
      await writeThroughLabVddk(lab.info, vm.value, file, [{ offset: 0, data: randomBytes(4 * MiB) }]);
      const before = await repo.pointIds();
      const endsBefore = accessLog(stateDir).filter((l) => l.startsWith('end ')).length;
      const controller = new AbortController();
      const failed = await runBackup(
        jobOptions(LAB_VMS.thinThick, {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'reading' && p.bytesDone > 0) controller.abort(new Error('cancelled by the test'));
          },
        }),
      ).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(BackupFailedError);
      expect((failed as Error).message).toMatch(/cancelled by the test.*No restore point was saved/);
      expect(await vmSnapshots(session, vm)).toEqual([]);
      expect(await repo.pointIds()).toEqual(before);
      const ends = accessLog(stateDir).filter((l) => l.startsWith('end ')).length;
      expect(ends).toBe(mode === 'vcenter' ? endsBefore + 1 : 0);
    }, 120_000);
  });
}
