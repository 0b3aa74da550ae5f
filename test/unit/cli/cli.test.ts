import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { productInfo } from '../../../electron/config/product';
import { captureIo } from '../../support/capture-io';

describe('lifeboat CLI', () => {
  it('prints help listing the commands, exit 0', async () => {
    const io = captureIo();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: lifeboat/);
    expect(io.out()).toMatch(/\bserve\b/);
    expect(io.out()).toMatch(/\benv\b/);
    expect(io.out()).toMatch(/--json/);
    expect(io.out()).toMatch(/Exit codes/);
  });

  it('prints help with no arguments', async () => {
    const io = captureIo();
    expect(await runCli([], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: lifeboat/);
  });

  it('prints the version from package.json', async () => {
    const io = captureIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out().trim()).toBe(productInfo().version);
  });

  it('exits 2 with a pointer to help on an unknown command or option', async () => {
    const io = captureIo();
    expect(await runCli(['restor'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command 'restor'/);
    expect(io.err()).toMatch(/lifeboat --help/);
    const io2 = captureIo();
    expect(await runCli(['serve', '--prot', '1'], io2)).toBe(2);
    expect(io2.err()).toMatch(/unknown option '--prot'/);
  });

  it('reports a bad --port clearly and exits 2, as JSON when asked', async () => {
    const io = captureIo();
    expect(await runCli(['--json', 'serve', '--port', 'abc'], io)).toBe(2);
    const doc = JSON.parse(io.out());
    expect(doc).toMatchObject({ ok: false, error: { exitCode: 2 } });
    expect(doc.error.message).toMatch(/--port must be a whole number/);
  });

  it('help exists for every subcommand', async () => {
    for (const cmd of ['env', 'serve']) {
      const io = captureIo();
      expect(await runCli([cmd, '--help'], io), cmd).toBe(0);
      expect(io.out()).toMatch(new RegExp(`Usage: lifeboat ${cmd}`));
    }
  });
});
