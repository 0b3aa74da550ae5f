import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildVcsim, VcsimToolchainMissingError } from '../../../electron/lab/vcsim-build';

describe('buildVcsim', () => {
  it('names the apt packages when the govmomi source is missing', async () => {
    const err = await buildVcsim({ gopath: '/nonexistent-gopath' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VcsimToolchainMissingError);
    expect((err as Error).message).toContain('apt-get install golang-go golang-github-vmware-govmomi-dev');
  });

  it('names the apt packages when go is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent-bin';
    try {
      const err = await buildVcsim().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VcsimToolchainMissingError);
      expect((err as Error).message).toContain('`go` command was not found');
    } finally {
      process.env.PATH = path;
    }
  });

  it('reuses the built binary while the Go source is unchanged', async () => {
    const first = await buildVcsim();
    const before = await stat(first);
    const started = Date.now();
    const second = await buildVcsim();
    expect(second).toBe(first);
    expect((await stat(second)).mtimeMs).toBe(before.mtimeMs);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
