import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabInfo } from '../../../electron/lab/lab-info';
import { labVddkConfig } from '../../../electron/lab/lab-vddk-config';
import { parseDatastorePath } from '../../../electron/vsphere/datastore-files';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';

/** Local path of a `[datastore] dir/name.vmdk` disk's flat extent in the running lab. */
export function flatExtentPath(info: LabInfo, fileName: string): string {
  const { datastore, path } = parseDatastorePath(fileName);
  const ds = info.datastores.find((d) => d.name === datastore);
  if (!ds) throw new Error(`the lab has no datastore ${datastore}`);
  return join(ds.folder, path.replace(/\.vmdk$/, '-flat.vmdk'));
}

/** The EndAccess/PrepareForAccess record the lab VDDK keeps in its state folder. */
export function accessLog(stateDir: string): string[] {
  try {
    return readFileSync(join(stateDir, 'labvddk-access.log'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Writes through the lab VDDK as a guest would (so its change log records
 * the writes), on the VM's live disk, then closes everything.
 */
export async function writeThroughLabVddk(
  info: LabInfo,
  vmMoref: string,
  fileName: string,
  writes: Array<{ offset: number; data: Buffer }>,
): Promise<void> {
  const session = await VddkSession.start({ vddkDir: labVddkDir(), extraConfigText: labVddkConfig(info) });
  try {
    const conn = await session.connect({
      server: new URL(info.url).hostname,
      thumbprint: info.thumbprintSha1,
      userName: info.username,
      password: info.password,
      vmxSpec: `moref=${vmMoref}`,
      transports: ['nbdssl'],
    });
    const disk = await conn.openDisk(fileName, { keepaliveMs: 0 });
    try {
      for (const w of writes) await disk.write(w.offset, w.data);
      await disk.flush();
    } finally {
      await disk.close();
    }
  } finally {
    await session.close();
  }
}
