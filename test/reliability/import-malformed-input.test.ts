import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../electron/repository/local-folder-backend';
import { Repository } from '../../electron/repository/repository';
import { bundleCli, runCliProcess } from '../support/cli-process';
import { MALFORMED_IMPORTS } from './import-malformed-cases';

const PASSWORD = 'malformed-import-pw';

/**
 * Issue 11 item 9: no import input may abort or crash the process. Each case
 * runs `lifeboat import` as its own process (an abort would kill the test
 * runner otherwise) and must end with exit code 2 and a clear refusal.
 */
describe('lifeboat import refuses malformed input with exit code 2, never a crash', () => {
  let dir: string;
  let script: string;
  let repo: string;
  let pwFile: string;
  const tally = { tried: 0, survived: 0, lost: [] as string[] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-import-corpus-'));
    repo = join(dir, 'repo');
    pwFile = join(dir, 'pw');
    await writeFile(pwFile, `${PASSWORD}\n`);
    await Repository.init(new LocalFolderBackend(repo), PASSWORD, { kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 } });
    script = await bundleCli('import-corpus');
  });

  afterAll(async () => {
    console.log(
      `import malformed-input corpus: tried ${tally.tried}, survived ${tally.survived}, lost ${tally.lost.length}` +
        (tally.lost.length ? ` (${tally.lost.join('; ')})` : ''),
    );
    await rm(dir, { recursive: true, force: true });
  });

  it('has at least 25 cases', () => {
    expect(MALFORMED_IMPORTS.length).toBeGreaterThanOrEqual(25);
  });

  it.each(MALFORMED_IMPORTS.map((c) => [c.name, c] as const))('%s', async (_name, malformed) => {
    tally.tried++;
    const input = await malformed.build(dir);
    const env = { ...process.env, LIFEBOAT_HOME: join(dir, 'home'), LIFEBOAT_DEBUG: '' };
    const run = await runCliProcess(script, ['import', '--repo', repo, '--password-file', pwFile, input], env);
    // A crash: killed by a signal, V8/Node abort (134), or an uncaught error (exit 1 with a stack).
    const crashed = run.code !== 2 || /Assertion failed|\n\s+at \S+ \(|FATAL ERROR/.test(run.stderr);
    if (crashed) tally.lost.push(`${malformed.name} (exit ${run.code})`);
    else tally.survived++;
    expect({ code: run.code, stderr: run.stderr.slice(0, 600) }).toEqual({
      code: 2,
      stderr: expect.stringMatching(/^lifeboat: cannot import /),
    });
    expect(run.stderr).toMatch(malformed.says);
    expect(run.stderr).not.toMatch(/\n\s+at \S+ \(/);
  });

  it('left no restore point behind', async () => {
    const points = await readdir(join(repo, 'points')).catch(() => []);
    expect(points).toEqual([]);
    expect(tally.lost).toEqual([]);
  });
});
