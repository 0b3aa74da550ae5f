import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { captureIo } from '../../support/capture-io';

/** `--json` gives exactly one JSON document on stdout for every outcome, command-line mistakes included. */
describe('lifeboat --json on command-line mistakes', () => {
  beforeAll(async () => {
    process.env.LIFEBOAT_HOME = await mkdtemp(join(tmpdir(), 'lifeboat-json-'));
  });
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown command', ['--json', 'restor'], /unknown command 'restor'/],
    ['an unknown option', ['--json', 'jobs', 'list', '--bogus'], /unknown option '--bogus'/],
    ['a missing argument', ['--json', 'jobs', 'show'], /missing required argument 'job'/],
  ];
  for (const [what, argv, message] of cases) {
    it(`${what}: exit 2, one JSON error document, nothing else`, async () => {
      const io = captureIo();
      expect(await runCli(argv, io)).toBe(2);
      const doc = JSON.parse(io.out());
      expect(doc).toMatchObject({ ok: false, error: { exitCode: 2 } });
      expect(doc.error.message).toMatch(message);
      expect(doc.error.hint).toMatch(/--help/);
      expect(io.err()).toBe('');
    });
  }

  it('an unknown job id is bad input (exit 2) with a code', async () => {
    const io = captureIo();
    expect(await runCli(['--json', 'jobs', 'show', 'restore-nope'], io)).toBe(2);
    expect(JSON.parse(io.out()).error).toMatchObject({ code: 'job-not-found', exitCode: 2 });
  });
});
