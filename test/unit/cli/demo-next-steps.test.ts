import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { captureIo } from '../../support/capture-io';

/** `lifeboat demo` tells a new user the exact next commands: the real repository path (LIFEBOAT_HOME honoured) and the real point id. */
describe('lifeboat demo prints the next commands as they must be typed', () => {
  let home: string;
  const saved = process.env.LIFEBOAT_HOME;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat home with space-'));
    process.env.LIFEBOAT_HOME = home;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.LIFEBOAT_HOME;
    else process.env.LIFEBOAT_HOME = saved;
    await rm(home, { recursive: true, force: true });
  });

  it('names the repository under LIFEBOAT_HOME and the point id in plan and restore for the lab', async () => {
    const io = captureIo();
    expect(await runCli(['--json', 'demo'], io)).toBe(0);
    const demo = JSON.parse(io.out()) as { location: string; pointId: string; next: string[] };
    const repo = JSON.stringify(join(home, 'demo-repository'));
    expect(demo.location).toBe(join(home, 'demo-repository'));
    expect(demo.next).toContain('lifeboat lab start --mode vcenter');
    const plan = demo.next.find((c) => c.includes('lifeboat plan --repo'));
    const restore = demo.next.find((c) => c.includes('lifeboat restore'));
    for (const command of [plan, restore]) {
      expect(command).toContain(`--repo ${repo}`);
      expect(command).toContain(`--point ${demo.pointId}`);
      expect(command).toContain('--connection lab --datastore LocalDS_0');
      expect(command).not.toMatch(/<ID>|~\/\.config/);
    }
    // The demo's keys are not in any lab: the restore says the fallback explicitly (the lab's key provider makes new keys).
    expect(restore).toMatch(/--encryption new-keys --yes$/);
  }, 60_000);
});
