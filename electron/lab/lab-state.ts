import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../config/json-file';
import { homePaths } from '../config/paths';
import { labDatastoreSchema, labHostSchema, labSiteVmSchema } from './lab-info';

/**
 * What `lifeboat lab start` remembers about a background lab, in
 * <lifeboatHome>/lab/state.json. Never the password: that is in the OS
 * keychain under `keychainAccount` (or was shown once when no keychain).
 */
export const labStateSchema = z.object({
  pid: z.number().int(),
  mode: z.enum(['vcenter', 'esxi']),
  url: z.string(),
  username: z.string(),
  thumbprintSha1: z.string(),
  thumbprintSha256: z.string(),
  datacenter: z.string(),
  datastores: z.array(labDatastoreSchema),
  hosts: z.array(labHostSchema),
  vms: z.array(z.string()),
  bulkVms: z.number().int(),
  /** The site's VMs of a lab started with `--site`. */
  siteVms: z.array(labSiteVmSchema).default([]),
  keychainAccount: z.string(),
  passwordSaved: z.boolean(),
  binary: z.string(),
  logFile: z.string(),
  /** VDDK config file pointing the lab VDDK at the datastore folders. */
  vddkConfigFile: z.string(),
  startedAt: z.string(),
});
export type LabState = z.infer<typeof labStateSchema>;

export const labStatePaths = {
  dir: (home: string) => homePaths.lab(home),
  state: (home: string) => join(homePaths.lab(home), 'state.json'),
  log: (home: string) => join(homePaths.lab(home), 'vcsim.log'),
  vddkConfig: (home: string) => homePaths.labVddkConfig(home),
};

export function readLabState(home: string): Promise<LabState | undefined> {
  return readJsonFile(labStatePaths.state(home), labStateSchema, { remedy: 'remove it and start the lab again.' });
}

export function writeLabState(home: string, state: LabState): Promise<void> {
  return writeJsonFile(labStatePaths.state(home), labStateSchema.parse(state));
}

export async function removeLabState(home: string): Promise<void> {
  await rm(labStatePaths.state(home), { force: true });
  await rm(labStatePaths.vddkConfig(home), { force: true });
}
