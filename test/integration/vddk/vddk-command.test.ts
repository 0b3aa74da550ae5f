import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { ensureNativeBuilt } from './lab-vddk-fixture';

async function lifeboat(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    interactive: false,
  });
  return { code, stdout, stderr };
}

describe('lifeboat vddk check', () => {
  beforeAll(() => ensureNativeBuilt());

  it('loads the lab VDDK in a worker and lists its transport modes (--json)', async () => {
    const r = await lifeboat(['--json', 'vddk', 'check', '--lab']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.found).toBe(true);
    expect(out.majorVersion).toBe(8);
    expect(out.loaded.majorVersion).toBe(8);
    expect(out.loaded.transportModes).toEqual(['file', 'san', 'hotadd', 'nbdssl', 'nbd']);
    expect(out.loaded.optionalFunctions).toContain('Flush');
  });

  it('prints progress to stderr and a readable report in text mode', async () => {
    const r = await lifeboat(['vddk', 'check', '--lab']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/loading .*libvixDiskLib\.so\.8 in a worker process/);
    expect(r.stdout).toMatch(/^VDDK 8 found in .*labvddk \(lib64\/libvixDiskLib\.so\.8\)\n/);
    expect(r.stdout).toContain('Transport modes: file, san, hotadd, nbdssl, nbd');
  });

  it('fails with where it looked and what to do when the folder has no VDDK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-no-vddk-'));
    try {
      const r = await lifeboat(['vddk', 'check', '--dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`lifeboat: VDDK not found in ${dir}; looked for lib64/libvixDiskLib.so.9, `);
      expect(r.stderr).toContain('LIFEBOAT_VDDK_DIR');
      const j = await lifeboat(['--json', 'vddk', 'check', '--dir', dir, '--no-load']);
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout).error.message).toMatch(/^VDDK not found in /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads with extra config lines from --config (e.g. the lab's labvddk.conf)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-vddk-conf-'));
    try {
      const conf = join(dir, 'labvddk.conf');
      writeFileSync(conf, '# lab\nlabvddk.transports = "nbdssl:nbd"\n');
      const r = await lifeboat(['--json', 'vddk', 'check', '--lab', '--config', conf]);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).loaded.transportModes).toEqual(['nbdssl', 'nbd']);
      const missing = await lifeboat(['vddk', 'check', '--lab', '--config', join(dir, 'nope.conf')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('cannot read');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses --dir together with --lab as a usage error', async () => {
    const r = await lifeboat(['vddk', 'check', '--lab', '--dir', '/x']);
    expect(r.code).toBe(2);
  });
});
