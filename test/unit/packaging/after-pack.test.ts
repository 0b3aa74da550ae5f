import { FuseV1Options } from '@electron/fuses';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinaryPath, LIFEBOAT_FUSES } from '../../../electron/packaging/after-pack';

const root = join(__dirname, '..', '..', '..');

describe('packaging', () => {
  it('turns off RunAsNode, NODE_OPTIONS and inspector flags, and loads the app only from an integrity-checked asar', () => {
    expect(LIFEBOAT_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(LIFEBOAT_FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(LIFEBOAT_FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(LIFEBOAT_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(LIFEBOAT_FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
  });

  it('finds the Electron binary in each platform layout', () => {
    const ctx = (p: string) => ({ appOutDir: '/out', electronPlatformName: p, packager: { appInfo: { productFilename: 'Lifeboat' } } });
    expect(electronBinaryPath(ctx('linux'))).toBe('/out/lifeboat');
    expect(electronBinaryPath(ctx('win32'))).toBe('/out/Lifeboat.exe');
    expect(electronBinaryPath(ctx('darwin'))).toBe('/out/Lifeboat.app/Contents/MacOS/Lifeboat');
  });

  it('electron-builder builds AppImage, deb, NSIS and dmg, unpacks native code and runs the fuse hook', () => {
    const yml = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    for (const target of ['AppImage', 'deb', 'nsis', 'dmg']) expect(yml).toMatch(new RegExp(`- ${target}\\b`));
    expect(yml).toMatch(/asarUnpack:\s*\n\s*- "\*\*\/\*\.node"/);
    expect(yml).toMatch(/afterPack: dist\/electron\/packaging\/after-pack\.js/);
  });
});
