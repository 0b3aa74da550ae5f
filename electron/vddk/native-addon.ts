import { addonPath } from './vddk-worker-process';

/** The part of the addon that is safe in any process (it loads no VDDK). */
export interface MainProcessAddon {
  fileAllocatedRanges(path: string, offset: number, length: number): Promise<Array<{ offset: number; length: number }>>;
}

let loaded: MainProcessAddon | undefined;

/**
 * Loads native/build/Release/lifeboat_vddk.node once; throws with the build hint when it is missing.
 * Always the regular build: LIFEBOAT_ADDON (the sanitizer build) is for VDDK workers only.
 */
export function loadMainProcessAddon(path: string = addonPath(undefined, {})): MainProcessAddon {
  if (!loaded) {
    try {
      loaded = require(path) as MainProcessAddon;
    } catch (err) {
      throw new Error(
        `The Lifeboat native addon could not be loaded from ${path}: ${(err as Error).message}. Run \`npm run build:native\`.`,
      );
    }
  }
  return loaded;
}
