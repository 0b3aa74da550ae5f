import { arch, release, version as osVersion } from 'node:os';
import type { EnvironmentFacts } from '../api/schemas/environment-schema';
import type { SecretStore } from '../keychain/secret-store';
import { productInfo } from '../config/product';
import { readSettings } from '../config/settings-store';
import { detectVirtualization } from './virtualization';
import { locateVddk, type VddkLocation } from './vddk-location';

export interface EnvironmentDeps {
  version: string;
  frontDoor: EnvironmentFacts['app']['frontDoor'];
  secretStore: SecretStore;
  /** The VDDK folder from the user's settings, if any. */
  vddkSetting?: string;
  env?: NodeJS.ProcessEnv;
  detectVm?: typeof detectVirtualization;
  locate?: (setting: string | undefined, env: NodeJS.ProcessEnv) => VddkLocation;
}

async function keychainFacts(store: SecretStore): Promise<EnvironmentFacts['keychain']> {
  try {
    const accounts = await store.accounts();
    return {
      available: true,
      backend: store.backend,
      message: `${store.backend} answers; ${accounts.length} saved Lifeboat secret(s).`,
    };
  } catch (err) {
    return { available: false, backend: store.backend, message: err instanceof Error ? err.message : String(err) };
  }
}

/** Gathers the facts the About page, `lifeboat env` and the live planner show about this workstation. */
export async function gatherEnvironmentFacts(deps: EnvironmentDeps): Promise<EnvironmentFacts> {
  const env = deps.env ?? process.env;
  const [workstation, keychain] = await Promise.all([(deps.detectVm ?? detectVirtualization)(), keychainFacts(deps.secretStore)]);
  const vddk = (deps.locate ?? locateVddk)(deps.vddkSetting, env);
  return {
    app: {
      version: deps.version,
      frontDoor: deps.frontDoor,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
    },
    os: { platform: process.platform, release: release(), arch: arch(), description: osVersion() },
    workstation,
    vddk,
    keychain,
  };
}

/** The facts for this installation: the app's version and the VDDK folder from the user's settings in `home`. */
export async function environmentFactsFor(
  home: string,
  frontDoor: EnvironmentFacts['app']['frontDoor'],
  secretStore: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EnvironmentFacts> {
  return gatherEnvironmentFacts({
    version: productInfo().version,
    frontDoor,
    secretStore,
    vddkSetting: (await readSettings(home)).vddkDir,
    env,
  });
}
