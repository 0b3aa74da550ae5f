import { readFile, writeFile, open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/cli-output';
import { repoCommandDeps } from '../../../electron/cli/commands/repo-command';
import { runCli } from '../../../electron/cli/main';
import type { SecretStore } from '../../../electron/keychain/secret-store';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { MemoryDiskImage, patternBytes } from './memory-disk-image';
import { copyImage, diskMeta, folderFiles, pointMeta, tempDir } from './repository-fixtures';

const PASSWORD = 'Tr0ub4dor&3-cli-test';

class MemorySecretStore implements SecretStore {
  readonly backend = 'test store';
  readonly secrets = new Map<string, string>();
  async get(a: string) {
    return this.secrets.get(a) ?? null;
  }
  async set(a: string, s: string) {
    this.secrets.set(a, s);
  }
  async delete(a: string) {
    return this.secrets.delete(a);
  }
  async accounts() {
    return [...this.secrets.keys()];
  }
}

function capture(interactive = false): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    interactive,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

describe('lifeboat repo', () => {
  let dir: string;
  let repoDir: string;
  let pwFile: string;
  let cleanup: () => Promise<void>;
  let keychain: MemorySecretStore;
  let stdinText: string;
  let prompts: string[];
  const originalDeps = { ...repoCommandDeps };
  const outputs: string[] = [];

  async function cli(args: string[], interactive = false): Promise<{ code: number; out: string; err: string }> {
    const io = capture(interactive);
    const code = await runCli(['repo', ...args], io);
    outputs.push(io.out, io.err);
    return { code, out: io.out, err: io.err };
  }

  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    repoDir = join(dir, 'repo');
    pwFile = join(dir, 'pw.txt');
    await writeFile(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
    keychain = new MemorySecretStore();
    stdinText = `${PASSWORD}\n`;
    prompts = [];
    repoCommandDeps.keychain = () => keychain;
    repoCommandDeps.input = (io) => ({
      interactive: io.interactive,
      readStdin: async () => stdinText,
      promptHidden: async (q) => {
        prompts.push(q);
        return PASSWORD;
      },
    });
  });
  afterEach(async () => {
    Object.assign(repoCommandDeps, originalDeps);
    await cleanup();
  });

  async function writeSamplePoint(): Promise<{ id: string; img: MemoryDiskImage }> {
    const repo = await Repository.open(new LocalFolderBackend(repoDir), PASSWORD);
    const img = new MemoryDiskImage(3 * 1024 * 1024);
    await img.write(0, patternBytes(1024 * 1024 + 4096, 5));
    const w = repo.beginPoint(pointMeta());
    await copyImage(img, w.addDisk(diskMeta(2000, img.capacity)));
    await w.setNvram('web-01.nvram', patternBytes(4096, 6));
    return { id: (await w.commit()).manifest.id, img };
  }

  it('init --password-stdin, then list/show/verify with --password-file, in JSON', async () => {
    const init = await cli(['init', '--repo', repoDir, '--password-stdin', '--json']);
    expect(init.code).toBe(0);
    const created = JSON.parse(init.out);
    expect(created).toMatchObject({ ok: true, chunkSize: 1048576, encryption: 'AES-256-GCM', remembered: false });
    const { id } = await writeSamplePoint();

    const list = await cli(['list', '--repo', repoDir, '--password-file', pwFile, '--json']);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.out);
    expect(listed.repository.id).toBe(created.id);
    expect(listed.points).toHaveLength(1);
    expect(listed.points[0]).toMatchObject({ id, kind: 'full', vm: 'web-01', disks: 1 });

    const show = await cli(['show', id.slice(0, 5), '--repo', repoDir, '--password-file', pwFile, '--json']);
    expect(show.code).toBe(0);
    const point = JSON.parse(show.out).point;
    expect(point.disks[0]).toMatchObject({ key: 2000, blockMapRuns: 2, provisioning: 'thin' });
    expect(point.disks[0].blockMap).toBeUndefined();
    expect(point.nvram.fileName).toBe('web-01.nvram');

    const text = await cli(['show', id, '--repo', repoDir, '--password-file', pwFile, '--block-map']);
    expect(text.out).toContain('ParaVirtualSCSIController 0:0');
    expect(text.out).toContain('Skipped independent disks: Hard disk 3');
    expect(text.out).toMatch(/Block map of disk 2000:/);

    const verify = await cli(['verify', '--read-data', '--repo', repoDir, '--password-file', pwFile]);
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^OK: 1 restore point/);
  });

  it('says the password is wrong, and asks for one when none is given', async () => {
    expect((await cli(['init', '--repo', repoDir, '--password-stdin'])).code).toBe(0);
    stdinText = 'not the password\n';
    const wrong = await cli(['list', '--repo', repoDir, '--password-stdin']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('the repository password is wrong');
    const wrongJson = await cli(['list', '--repo', repoDir, '--password-stdin', '--json']);
    expect(JSON.parse(wrongJson.out).error.message).toBe('the repository password is wrong');

    const none = await cli(['list', '--repo', repoDir]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no repository password was given/);
    expect(none.err).toMatch(/--password-stdin/);

    const prompted = await cli(['list', '--repo', repoDir], true);
    expect(prompted.code).toBe(0);
    expect(prompts).toEqual(['Repository password: ']);
  });

  it('asks twice on a terminal at init and refuses two different passwords', async () => {
    expect((await cli(['init', '--repo', repoDir], true)).code).toBe(0);
    expect(prompts).toEqual(['New repository password: ', 'Repeat the password: ']);
    let n = 0;
    repoCommandDeps.input = (io) => ({
      interactive: io.interactive,
      readStdin: async () => '',
      promptHidden: async () => `pw-${n++}`,
    });
    const mismatch = await cli(['init', '--repo', join(dir, 'other')], true);
    expect(mismatch.code).toBe(2);
    expect(mismatch.err).toContain('the two passwords differ');
  });

  it('remembers the password in the keychain under repo:<id> and uses it first', async () => {
    const init = await cli(['init', '--repo', repoDir, '--password-stdin', '--remember', '--json']);
    const { id, remembered } = JSON.parse(init.out);
    expect(remembered).toBe(true);
    expect(keychain.secrets.get(`repo:${id}`)).toBe(PASSWORD);
    stdinText = '';
    expect((await cli(['verify', '--repo', repoDir])).code).toBe(0);

    keychain.secrets.set(`repo:${id}`, 'stale');
    const stale = await cli(['list', '--repo', repoDir]);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/password is wrong \(the one saved in the keychain\)/);
    stdinText = `${PASSWORD}\n`;
    expect((await cli(['list', '--repo', repoDir, '--password-stdin', '--remember'])).code).toBe(0);
    expect(keychain.secrets.get(`repo:${id}`)).toBe(PASSWORD);
  });

  it('verify fails naming the pack with a flipped byte; forget and prune free space', async () => {
    await cli(['init', '--repo', repoDir, '--password-stdin']);
    const { id } = await writeSamplePoint();
    const pack = (await folderFiles(join(repoDir, 'packs')))[0]!;
    const h = await openFile(pack, 'r+');
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, 100);
    await h.write(Buffer.of(b[0]! ^ 0x80), 0, 1, 100);
    await h.close();
    expect((await cli(['verify', '--repo', repoDir, '--password-file', pwFile])).code).toBe(0);
    const bad = await cli(['verify', '--read-data', '--repo', repoDir, '--password-file', pwFile, '--json']);
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.out);
    expect(report.ok).toBe(false);
    expect(report.problems[0].object).toBe(`packs/${pack.split('/').slice(-2).join('/')}`);

    const forget = await cli(['forget', id, '--repo', repoDir, '--password-file', pwFile]);
    expect(forget.out).toContain(`Forgot restore point ${id}`);
    const prune = await cli(['prune', '--repo', repoDir, '--password-file', pwFile, '--json']);
    expect(prune.code).toBe(0);
    expect(JSON.parse(prune.out)).toMatchObject({ ok: true, packsDeleted: 1, bytesAfter: 0 });
    const missing = await cli(['show', id, '--repo', repoDir, '--password-file', pwFile]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no restore point has this id/);
  });

  it('reports a folder that is not a repository and a missing --repo', async () => {
    const notRepo = await cli(['list', '--repo', dir, '--password-file', pwFile]);
    expect(notRepo.code).toBe(1);
    expect(notRepo.err).toMatch(/is not a Lifeboat repository/);
    expect(notRepo.err).toMatch(/repo init/);
    const saved = process.env.LIFEBOAT_REPO;
    delete process.env.LIFEBOAT_REPO;
    try {
      expect((await cli(['list'])).code).toBe(2);
    } finally {
      if (saved !== undefined) process.env.LIFEBOAT_REPO = saved;
    }
    const help = await cli(['verify', '--help']);
    expect(help.out).toMatch(/--read-data\s+read, decrypt and hash every chunk/);
  });

  it('never writes the password into the repository folder or any output', async () => {
    await cli(['init', '--repo', repoDir, '--password-stdin', '--remember']);
    await writeSamplePoint();
    await cli(['list', '--repo', repoDir, '--password-file', pwFile]);
    await cli(['verify', '--read-data', '--repo', repoDir, '--password-file', pwFile, '--json']);
    for (const file of await folderFiles(repoDir)) {
      expect((await readFile(file)).includes(Buffer.from(PASSWORD)), file).toBe(false);
    }
    for (const text of outputs) expect(text).not.toContain(PASSWORD);
  });

  it('passwd changes the password and updates a saved one', async () => {
    const init = await cli(['init', '--repo', repoDir, '--password-stdin', '--remember', '--json']);
    const { id } = JSON.parse(init.out);
    const newFile = join(dir, 'new-pw.txt');
    await writeFile(newFile, 'the-new-password\n', { mode: 0o600 });
    const changed = await cli(['passwd', '--repo', repoDir, '--new-password-file', newFile, '--json']);
    expect(changed.code, changed.err).toBe(0);
    expect(JSON.parse(changed.out)).toMatchObject({ ok: true, id, remembered: true });
    expect(keychain.secrets.get(`repo:${id}`)).toBe('the-new-password');
    expect((await cli(['list', '--repo', repoDir, '--password-file', pwFile])).code).toBe(1);
    expect((await cli(['list', '--repo', repoDir, '--password-file', newFile])).code).toBe(0);
    expect(changed.out + changed.err).not.toContain('the-new-password');
  });

  it('list survives a damaged manifest and index; repair rebuilds the index; unlock removes stale locks; init refuses a used folder', async () => {
    expect((await cli(['init', '--repo', repoDir, '--password-stdin'])).code).toBe(0);
    const a = await writeSamplePoint();
    const b = await writeSamplePoint();
    const auth = ['--repo', repoDir, '--password-file', pwFile];
    const h = await openFile(join(repoDir, 'points', a.id), 'r+');
    await h.write(Buffer.from([0xff]), 0, 1, 20);
    await h.close();
    for (const f of await folderFiles(join(repoDir, 'index'))) await writeFile(f, 'damaged');

    const list = await cli(['list', ...auth, '--json']);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.out);
    expect(listed.points.map((p: { id: string }) => p.id)).toEqual([b.id]);
    expect(listed.problems.map((p: { object: string }) => p.object)).toContain(`points/${a.id}`);
    expect((await cli(['list', ...auth])).out).toMatch(/lifeboat repo repair/);

    const repair = await cli(['repair', ...auth]);
    expect(repair.out).toMatch(/unreadable restore point: points\//);
    expect(repair.code).toBe(1);
    const repo = await Repository.open(new LocalFolderBackend(repoDir), PASSWORD);
    expect(repo.damagedIndexes).toEqual([]);
    const disk = (await repo.openPoint(b.id)).disk(2000);
    expect((await disk.read(0, disk.capacity)).equals(b.img.bytes)).toBe(true);

    await writeFile(join(repoDir, 'locks', 'f'.repeat(24)), 'junk lock');
    const unlock = await cli(['unlock', ...auth, '--json']);
    expect(unlock.code).toBe(0);
    expect(JSON.parse(unlock.out).removed).toHaveLength(1);

    const again = await cli(['init', '--repo', join(repoDir, 'points'), '--password-stdin']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/is not empty/);
  });
});
