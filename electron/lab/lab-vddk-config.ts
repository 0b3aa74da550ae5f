import { labVddkConfigKeys } from '../vddk/lab-vddk-config';
import { renderConfigLines } from '../vddk/vddk-config-file';
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
 * keeps that VM's disks. The keys themselves come from the VDDK layer.
 */
export function labVddkConfig(info: Pick<LabInfo, 'datastores' | 'thumbprintSha1'>, options: LabVddkConfigOptions = {}): string {
  const thumbprint = options.thumbprint === undefined ? info.thumbprintSha1 : options.thumbprint;
  const keys = labVddkConfigKeys({
    datastores: Object.fromEntries(info.datastores.map((ds) => [ds.name, ds.folder])),
    datastoreLuns: Object.fromEntries(info.datastores.flatMap((ds) => (ds.lun ? [[ds.name, ds.lun]] : []))),
    thumbprint: thumbprint ?? undefined,
  });
  const lines = ['# Lifeboat lab: datastore folders of the running lab simulator', ...renderConfigLines({ ...keys, ...(options.extra ?? {}) })];
  return lines.join('\n') + '\n';
}
