import type { LabInfo } from './lab-info';

export interface LabVddkConfigOptions {
  /** Thumbprint the lab VDDK insists on at Open (default: the lab's SHA-1, as VDDK connect parameters carry). */
  thumbprint?: string | null;
  /** Extra `key = value` lines (fault injection, transports, ...), appended so they win. */
  extra?: Record<string, string | number>;
}

/**
 * The lines of a VDDK config file (the InitEx config) that point the lab
 * VDDK (native/labvddk) at this lab: `labvddk.datastore.<name>` = the
 * datastore's folder, so "[LocalDS_0] vm/vm.vmdk" lands where the simulator
 * keeps that VM's disks.
 */
export function labVddkConfig(info: Pick<LabInfo, 'datastores' | 'thumbprintSha1'>, options: LabVddkConfigOptions = {}): string {
  const quote = (v: string | number) => `"${String(v)}"`;
  const lines = ['# Lifeboat lab: datastore folders of the running lab simulator'];
  for (const ds of info.datastores) lines.push(`labvddk.datastore.${ds.name} = ${quote(ds.folder)}`);
  const thumbprint = options.thumbprint === undefined ? info.thumbprintSha1 : options.thumbprint;
  if (thumbprint) lines.push(`labvddk.thumbprint = ${quote(thumbprint)}`);
  for (const [key, value] of Object.entries(options.extra ?? {})) lines.push(`${key} = ${quote(value)}`);
  return lines.join('\n') + '\n';
}
