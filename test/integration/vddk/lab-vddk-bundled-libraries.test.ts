import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { labVddkConfigKeys } from '../../../electron/vddk/lab-vddk-config';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { VddkSession } from '../../../electron/vddk/vddk-session';
import { ensureNativeBuilt, makeLabFolder, type LabFolder } from './lab-vddk-fixture';

/**
 * Real VDDK's lib64/ ships older libstdc++/libgcc_s and its own OpenSSL, curl,
 * zlib. The lab VDDK's lib64/ does the same with harsher stand-ins: a
 * libstdc++.so.6 with none of the symbol versions the host needs, and a support
 * library the lab VDDK cannot load without.
 */
describe('VDDK bundled libraries stay VDDK’s own', () => {
  let lab: LabFolder | undefined;
  beforeAll(() => ensureNativeBuilt());
  afterEach(() => lab?.remove());

  it('ships a libstdc++.so.6 stand-in that Node cannot start with (as with LD_LIBRARY_PATH on lib64)', () => {
    const r = spawnSync(process.execPath, ['-e', '0'], {
      env: { ...process.env, LD_LIBRARY_PATH: join(labVddkDir(), 'lib64') },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/libstdc\+\+\.so\.6.*version|version .* not found/);
  });

  it('`lifeboat vddk check` loads the lab VDDK and its bundled library by absolute path, keeping the host C++ runtime', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['--json', 'vddk', 'check', '--lab'], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      interactive: false,
    });
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout).loaded.majorVersion).toBe(8);

    lab = makeLabFolder();
    const session = await VddkSession.start({ vddkDir: labVddkDir(), tmpRoot: lab.root });
    try {
      expect(session.library.bundledLibraries).toEqual([join(labVddkDir(), 'lib64', 'liblabvddk-support.so.1')]);
      // The worker's own C++ runtime is the host's, not VDDK's stand-in.
      const maps = spawnSync('cat', [`/proc/${session.worker.pid}/maps`], { encoding: 'utf8' }).stdout;
      expect(maps).toContain('liblabvddk-support.so.1');
      expect(maps).not.toContain(join(labVddkDir(), 'lib64', 'libstdc++.so.6'));
    } finally {
      await session.close();
    }
  });

  it('takes the bundled libraries from the folder that holds the library (a VDDK without lib64/)', async () => {
    lab = makeLabFolder();
    const flat = join(lab.root, 'vddk-flat');
    mkdirSync(flat);
    for (const f of ['libvixDiskLib.so.8', 'liblabvddk-support.so.1', 'libstdc++.so.6']) {
      copyFileSync(join(labVddkDir(), 'lib64', f), join(flat, f));
    }
    const session = await VddkSession.start({
      vddkDir: flat,
      tmpRoot: lab.root,
      extraConfig: labVddkConfigKeys({ datastores: { ds1: lab.datastore }, stateDir: lab.state }),
    });
    try {
      expect(session.library.libraryPath).toBe(join(flat, 'libvixDiskLib.so.8'));
      expect(session.library.bundledLibraries).toEqual([join(flat, 'liblabvddk-support.so.1')]);
      expect(await session.transportModes()).toContain('nbdssl');
    } finally {
      await session.close();
    }
  });
});
