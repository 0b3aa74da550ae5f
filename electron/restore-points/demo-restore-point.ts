import { LifeboatError } from '../errors/lifeboat-error';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { lifeboatHome } from '../config/paths';
import { SECTOR_SIZE } from '../disks/disk-image';
import { LocalFolderBackend } from '../repository/local-folder-backend';
import { Repository } from '../repository/repository';
import { CONFIG_OBJECT, type CreateConfigOptions } from '../repository/repository-config';
import { WrongPasswordError } from '../repository/repository-errors';
import type { DiskMeta, PointMeta, RestorePointManifest } from '../repository/restore-point-manifest';
import { gptLayout, masterBootRecord, mftRecords, ntfsBootSector, pseudoRandomBytes, type DiskRegion } from './demo-disk-layout';

/** The demo repository's password: published demo material, not a secret (never put in the keychain). */
export const DEMO_PASSWORD = 'lifeboat-demo';
export const DEMO_VM_NAME = 'demo-win2022';
const CONFIG_FILE = 'demo-win2022.config.json';
const NVRAM_FILE = 'demo-win2022.nvram';
const MiB = 1024 * 1024;

/** Where `lifeboat demo` puts its repository unless told otherwise. */
export function defaultDemoRepositoryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(lifeboatHome(env), 'demo-repository');
}

/** The folder with the demo material: resources/demo next to the source tree, the build output, or the packaged app. */
export function demoResourcesDir(): string {
  const candidates: string[] = [];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) candidates.push(join(dir, 'resources', 'demo'));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged) candidates.push(join(packaged, 'app.asar', 'resources', 'demo'), join(packaged, 'resources', 'demo'));
  // Last resort for a CLI bundled elsewhere and run from the project folder (`npm run demo`).
  candidates.push(join(process.cwd(), 'resources', 'demo'));
  const found = candidates.find((c) => existsSync(join(c, CONFIG_FILE)));
  if (!found)
    throw new Error(`the demo material (resources/demo/${CONFIG_FILE}) was not found; looked in ${candidates.join(', ')}`);
  return found;
}

interface DemoMaterial {
  vm: PointMeta['vm'];
  configInfo: Record<string, unknown>;
  vtpm: Record<string, unknown>;
  keyId: Record<string, unknown>;
  encryptionBundle: string;
  storagePolicy: Record<string, unknown>;
  independentDisks: PointMeta['skippedIndependentDisks'];
  disks: DiskMeta[];
}

export async function loadDemoMaterial(dir = demoResourcesDir()): Promise<{ material: DemoMaterial; nvram: Buffer }> {
  const material = JSON.parse(await readFile(join(dir, CONFIG_FILE), 'utf8')) as DemoMaterial;
  return { material, nvram: await readFile(join(dir, NVRAM_FILE)) };
}

/** Disk 2000: 16 GiB thin, MBR (two NTFS partitions) and a few MiB of scattered data; the rest is a hole. */
function systemDiskRegions(capacity: number): DiskRegion[] {
  const sectors = capacity / SECTOR_SIZE;
  const p1 = { first: 2048, count: 1024000 };
  const p2 = { first: p1.first + p1.count, count: sectors - (p1.first + p1.count) };
  const regions: DiskRegion[] = [
    {
      offset: 0,
      data: masterBootRecord(0x7e1d5a0c, [
        { bootable: true, type: 0x07, firstLba: p1.first, sectors: p1.count },
        { bootable: false, type: 0x07, firstLba: p2.first, sectors: p2.count },
      ]),
    },
    { offset: p1.first * SECTOR_SIZE, data: ntfsBootSector(p1.first, p1.count, 0x5a0c7e1d3b2f4c01n) },
    { offset: p1.first * SECTOR_SIZE + 4 * MiB, data: mftRecords(64, 11) },
    { offset: p1.first * SECTOR_SIZE + 100 * MiB, data: pseudoRandomBytes(1 * MiB, 12) },
    { offset: p2.first * SECTOR_SIZE, data: ntfsBootSector(p2.first, p2.count, 0x1d3b5a0c7e2f4c02n) },
    { offset: p2.first * SECTOR_SIZE + 3 * 1024 * MiB, data: mftRecords(64, 13) },
  ];
  // Scattered "files": 12 × 256 KiB spread over the system volume.
  for (let i = 0; i < 12; i++) {
    regions.push({ offset: (600 + i * 1237) * MiB, data: pseudoRandomBytes(256 * 1024, 100 + i) });
  }
  return regions;
}

/** Disk 2001: 4 GiB lazy-zeroed thick, protective MBR + GPT (primary and backup), one NTFS data partition. */
function dataDiskRegions(capacity: number): DiskRegion[] {
  const regions = gptLayout(capacity, '8F3A6C2E-51B4-4D7A-9E0C-3B2D1A5F6E71', 'C4E2A1B9-7D3F-4A6E-8B5C-0E9F1D2A3B4C', 'Data');
  const partSectors = capacity / SECTOR_SIZE - 34 - 2048;
  regions.push({ offset: 2048 * SECTOR_SIZE, data: ntfsBootSector(2048, partSectors, 0x2c4e6a8b0d1f3e5an) });
  regions.push({ offset: 2048 * SECTOR_SIZE + 16 * MiB, data: mftRecords(64, 21) });
  for (let i = 0; i < 8; i++) {
    regions.push({ offset: (64 + i * 480) * MiB, data: pseudoRandomBytes(256 * 1024, 200 + i) });
  }
  return regions;
}

function sortedRegions(regions: DiskRegion[]): DiskRegion[] {
  const sorted = [...regions].sort((a, b) => a.offset - b.offset);
  sorted.forEach((r, i) => {
    const next = sorted[i + 1];
    if (next && r.offset + r.data.length > next.offset) throw new Error(`demo disk regions overlap at ${next.offset}`);
  });
  return sorted;
}

/** The generated content of each demo disk (exported for tests). */
export function demoDiskContent(disk: DiskMeta): DiskRegion[] {
  if (disk.key === 2000) return sortedRegions(systemDiskRegions(disk.capacity));
  if (disk.key === 2001) return sortedRegions(dataDiskRegions(disk.capacity));
  throw new Error(`the demo has no content for disk ${disk.key}`);
}

function demoPointMeta(material: DemoMaterial, resources: string): PointMeta {
  return {
    vm: material.vm,
    configInfo: {
      ...material.configInfo,
      lifeboatDemo: { material: resources, note: 'demo restore point: keyId, encryption bundle and vTPM data are placeholders' },
    },
    firmware: 'efi',
    vtpm: material.vtpm,
    keyId: material.keyId,
    encryptionBundle: material.encryptionBundle,
    storagePolicy: material.storagePolicy,
    // BACKUP-SKIP-INDEPENDENT (restore warns DATA-INDEPENDENT-DISK)
    skippedIndependentDisks: material.independentDisks,
    kind: 'full',
    parentPointId: null,
  };
}

/** Writes the demo restore point into an open repository. */
export async function writeDemoPoint(repo: Repository, resources = demoResourcesDir()): Promise<RestorePointManifest> {
  const { material, nvram } = await loadDemoMaterial(resources);
  const writer = repo.beginPoint(demoPointMeta(material, resources));
  try {
    await Promise.all(
      material.disks.map(async (meta) => {
        const disk = writer.addDisk(meta);
        // Thin: unwritten space is a hole. Lazy-zeroed thick: allocated, reads as zeros.
        if (meta.provisioning === 'thin') await disk.markUnallocated(0, meta.capacity);
        else await disk.markZero(0, meta.capacity);
        for (const region of demoDiskContent(meta)) await disk.writeRange(region.offset, region.data);
      }),
    );
    await writer.setNvram(NVRAM_FILE, nvram);
    return (await writer.commit()).manifest;
  } catch (err) {
    await writer.abort();
    throw err;
  }
}

export class DemoRepositoryError extends LifeboatError {
  constructor(message: string, hint: string) {
    super(message, { code: 'demo-repository', hint });
    this.name = 'DemoRepositoryError';
  }
}

export interface DemoResult {
  location: string;
  repositoryId: string;
  pointId: string;
  /** True when an earlier run's point was reported instead of writing a new one. */
  reused: boolean;
  repositoryCreated: boolean;
  forgotten: string[];
  manifest: RestorePointManifest;
}

function isDemoPoint(m: RestorePointManifest): boolean {
  return m.vm.name === DEMO_VM_NAME && typeof m.configInfo.lifeboatDemo === 'object';
}

/** Opens the demo repository at `dir` or creates it; refuses folders that hold something else. */
async function openOrCreate(dir: string, kdf: CreateConfigOptions['kdf']): Promise<{ repo: Repository; created: boolean }> {
  const backend = new LocalFolderBackend(dir);
  if (await backend.exists(CONFIG_OBJECT)) {
    try {
      return { repo: await Repository.open(backend, DEMO_PASSWORD), created: false };
    } catch (err) {
      if (err instanceof WrongPasswordError)
        throw new DemoRepositoryError(
          `${dir} holds a repository that is not the demo one (the demo password does not open it)`,
          'Pass another folder with --repo DIR; the demo never touches a real repository.',
        );
      throw err;
    }
  }
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0)
    throw new DemoRepositoryError(`${dir} is not empty and holds no repository`, 'Pass an empty or new folder with --repo DIR.');
  return { repo: await Repository.init(backend, DEMO_PASSWORD, { kdf }), created: true };
}

/**
 * Creates (or reuses) the demo repository and its one restore point of
 * demo-win2022. Idempotent: an existing demo point is reported unless
 * `force`, which forgets it and writes a fresh one.
 */
export async function ensureDemoRepository(
  dir: string,
  options: { force?: boolean; kdf?: CreateConfigOptions['kdf'] } = {},
): Promise<DemoResult> {
  const { repo, created } = await openOrCreate(dir, options.kdf);
  const existing: RestorePointManifest[] = [];
  for (const id of await repo.pointIds()) {
    const m = await repo.loadPoint(id);
    if (isDemoPoint(m)) existing.push(m);
  }
  const base = { location: dir, repositoryId: repo.id, repositoryCreated: created };
  const newest = existing.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
  if (newest && !options.force) return { ...base, pointId: newest.id, reused: true, forgotten: [], manifest: newest };
  const forgotten: string[] = [];
  for (const m of existing) forgotten.push(await repo.forget(m.id));
  const manifest = await writeDemoPoint(repo);
  return { ...base, pointId: manifest.id, reused: false, forgotten, manifest };
}
