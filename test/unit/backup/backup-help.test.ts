import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';

describe('lifeboat backup --help', () => {
  it('is registered and documents every option', async () => {
    let out = '';
    const code = await runCli(['backup', '--help'], {
      stdout: (t) => void (out += t),
      stderr: (t) => void (out += t),
      interactive: false,
    });
    expect(code).toBe(0);
    for (const option of [
      '--connection',
      '--vm',
      '--repo',
      '--full',
      '--transport',
      '--password-file',
      '--password-stdin',
      '--vddk-dir',
    ]) {
      expect(out).toContain(option);
    }
    expect(out).toMatch(/nbdssl, nbd, hotadd, san/);
  });

  it('refuses a missing --vm as a usage error', async () => {
    let err = '';
    const code = await runCli(['backup', '--connection', 'x'], {
      stdout: () => undefined,
      stderr: (t) => void (err += t),
      interactive: false,
    });
    expect(code).toBe(2);
    expect(err).toMatch(/--vm/);
  });
});
