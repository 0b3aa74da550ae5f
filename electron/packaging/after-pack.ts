/**
 * electron-builder afterPack hook: flips Electron fuses in the packaged binary
 * so it cannot be turned into a general Node runtime or debugged from outside.
 */
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';
import { join } from 'node:path';

interface AfterPackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string } };
}

/** Where the Electron executable sits inside the packed app, per platform. */
export function electronBinaryPath(context: AfterPackContext): string {
  const name = context.packager.appInfo.productFilename;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(context.appOutDir, `${name}.app`, 'Contents', 'MacOS', name);
    case 'win32':
      return join(context.appOutDir, `${name}.exe`);
    default:
      return join(context.appOutDir, name.toLowerCase());
  }
}

/** The fuse settings Lifeboat ships with; exported so a test can pin them. */
export const LIFEBOAT_FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
} as const;

export default async function afterPack(context: AfterPackContext): Promise<void> {
  await flipFuses(electronBinaryPath(context), {
    ...LIFEBOAT_FUSES,
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin',
  });
}
