import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../electron/cli/command-action';
import { createLabCommand } from '../../../electron/cli/commands/lab-command';
import { LAB_OWNER_MARKER } from '../../../electron/lab/lab-leftovers';
import { buildVcsim } from '../../../electron/lab/vcsim-build';
import { MemorySecretStore } from '../../support/memory-secret-store';

async function lab(home: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    io: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false },
    exitCode: 0,
  };
  const program = new Command('lifeboat').option('--json', 'JSON output').exitOverride();
  createLabCommand({ home: () => home, secrets: () => secrets })(program, ctx);
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(args, { from: 'user' });
  return { code: ctx.exitCode, stdout, stderr };
}
const secrets = new MemorySecretStore();

function waitGone(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      try {
        process.kill(pid, 0);
        setTimeout(check, 50);
      } catch {
        resolve();
      }
    };
    check();
  });
}

/** Issue 11 "also seen": a lab whose simulator died left 1.1 GB of datastore folders; `lab start` removes its own leftovers. */
describe('lifeboat lab start removes the folders of its own dead labs, and only those', () => {
  let home: string;
  const decoys: string[] = [];

  beforeAll(async () => {
    await buildVcsim();
    home = await mkdtemp(join(tmpdir(), 'lifeboat-lab-leftovers-'));
  });
  afterAll(async () => {
    await lab(home, ['lab', 'stop']);
    for (const d of decoys) await rm(d, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  });

  it('a killed simulator leaves folders; the next start removes them but not folders it did not mark', async () => {
    const first = JSON.parse((await lab(home, ['--json', 'lab', 'start'])).stdout) as {
      pid: number;
      datastores: Array<{ folder: string }>;
    };
    const root = dirname(first.datastores[0]!.folder);
    await writeFile(join(first.datastores[0]!.folder, 'big-flat.vmdk'), Buffer.alloc(64 * 1024, 1));
    process.kill(first.pid, 'SIGKILL'); // the simulator dies without cleaning up
    await waitGone(first.pid);
    expect(existsSync(first.datastores[0]!.folder)).toBe(true);

    // Beside it: a folder without a marker, and one marked by another Lifeboat folder. Neither is ours.
    const parent = dirname(root);
    const unmarked = join(parent, `lifeboat-lab-not-ours-${process.pid}`);
    const foreign = join(parent, `lifeboat-lab-foreign-${process.pid}`);
    decoys.push(unmarked, foreign);
    await mkdir(unmarked, { recursive: true });
    await mkdir(foreign, { recursive: true });
    await writeFile(
      join(foreign, LAB_OWNER_MARKER),
      JSON.stringify({ home: '/somewhere/else', pid: 1, binary: '/x', createdAt: 'now' }),
    );

    const second = await lab(home, ['--json', 'lab', 'start']);
    expect(second.code, second.stderr).toBe(0);
    const out = JSON.parse(second.stdout) as { leftoversRemoved: string[]; datastores: Array<{ folder: string }> };
    expect(existsSync(root), `${root} left behind`).toBe(false);
    expect(out.leftoversRemoved).toEqual([root]);
    expect(existsSync(unmarked)).toBe(true);
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(out.datastores[0]!.folder)).toBe(true);
  });
});
