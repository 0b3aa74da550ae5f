import { isAbsolute, resolve } from 'node:path';
import type { RecoveryPlanFile, RecoveryRestoreOptions, RecoveryVmEntry } from '../api/schemas/recovery-plan-file';
import { RestoreRequest } from '../api/schemas/restore-request';

/**
 * A VM's options: the plan's defaults, then the VM's own. A VM's `host`
 * replaces the defaults' `cluster` and the other way round; the maps
 * (networkMap, diskProvisioning, diskDatastores) merge key by key, the VM's entries winning.
 */
export function vmOptions(defaults: RecoveryRestoreOptions, entry: RecoveryVmEntry): RecoveryRestoreOptions {
  const { vm: _vm, point: _point, ...own } = entry;
  const base: RecoveryRestoreOptions = { ...defaults };
  if (own.host !== undefined) delete base.cluster;
  if (own.cluster !== undefined) delete base.host;
  const merged: RecoveryRestoreOptions = { ...base, ...own };
  if (defaults.networkMap || own.networkMap) merged.networkMap = { ...defaults.networkMap, ...own.networkMap };
  if (defaults.diskProvisioning || own.diskProvisioning) merged.diskProvisioning = { ...defaults.diskProvisioning, ...own.diskProvisioning };
  if (defaults.diskDatastores || own.diskDatastores) merged.diskDatastores = { ...defaults.diskDatastores, ...own.diskDatastores };
  return merged;
}

/** The repository folder of the plan: as written when absolute, else relative to the plan file's folder (or the text's baseDir). */
export function planRepositoryPath(file: RecoveryPlanFile, baseDir: string): string {
  return isAbsolute(file.repository) ? file.repository : resolve(baseDir, file.repository);
}

/**
 * The one RestoreRequest of a VM, exactly what the single restore would get:
 * its options, then the request's own defaults. `host` is the host the VM is
 * restored through (a cluster's VMs get the host the plan spread them to).
 * `encryptionChosen` holds when the file states `encryption` for the VM.
 */
export function vmRestoreRequest(input: { file: RecoveryPlanFile; repo: string; pointId: string; options: RecoveryRestoreOptions; host?: string }): RestoreRequest {
  const { cluster: _cluster, ...options } = input.options;
  return RestoreRequest.parse({
    ...options,
    repo: input.repo,
    point: input.pointId,
    connection: input.file.connection,
    ...(input.host !== undefined ? { host: input.host } : {}),
    kind: 'full-vm',
    encryptionChosen: options.encryptionChosen === true || options.encryption !== undefined,
  });
}
