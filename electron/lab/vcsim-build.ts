import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { homePaths, lifeboatHome } from '../config/paths';

const run = promisify(execFile);

/** Where Debian's golang-github-vmware-govmomi-dev puts the govmomi source. */
export const DEBIAN_GOPATH = '/usr/share/gocode';
const GOVMOMI_DIR = 'src/github.com/vmware/govmomi';
export const LAB_APT_PACKAGES = ['golang-go', 'golang-github-vmware-govmomi-dev'];

/** Go or the govmomi source is missing; the message names the apt packages. */
export class VcsimToolchainMissingError extends Error {
  constructor(what: string) {
    super(
      `Cannot build the lab simulator: ${what}. ` +
        `Install the Go toolchain and govmomi source: sudo apt-get install ${LAB_APT_PACKAGES.join(' ')}`,
    );
    this.name = 'VcsimToolchainMissingError';
  }
}

export interface BuildVcsimOptions {
  /** Folder of the Go program (default: test/lab/vcsim in the source tree). */
  sourceDir?: string;
  /** Folder for built binaries (default: dist/lab/bin in the source tree, else <lifeboatHome>/lab/bin). */
  cacheDir?: string;
  gopath?: string;
  /** Called with a line of progress text (building takes ~20 s). */
  onProgress?: (line: string) => void;
}

/** Walks up from this file to the folder holding test/lab/vcsim/main.go. */
export function findVcsimSource(start: string = __dirname): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'test', 'lab', 'vcsim');
    if (existsSync(join(candidate, 'main.go'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function writable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function defaultCacheDir(sourceDir: string): Promise<string> {
  // sourceDir is <repo>/test/lab/vcsim; dist/ is gitignored.
  const inRepo = join(sourceDir, '..', '..', '..', 'dist', 'lab', 'bin');
  if (await writable(inRepo)) return inRepo;
  return join(homePaths.lab(lifeboatHome()), 'bin');
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await run('go', ['version']);
    return stdout.trim();
  } catch {
    throw new VcsimToolchainMissingError('the `go` command was not found');
  }
}

/** Hash of the Go sources and the toolchain: the binary is rebuilt only when it changes. */
async function sourceHash(sourceDir: string, toolchain: string): Promise<string> {
  const hash = createHash('sha256').update(toolchain);
  const files = (await readdir(sourceDir)).filter((f) => f.endsWith('.go')).sort();
  for (const f of files) {
    hash
      .update(f)
      .update('\0')
      .update(await readFile(join(sourceDir, f)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the lab simulator if needed and returns the binary's path.
 * Safe to call from several processes at once: each builds to a temporary
 * name and renames into place.
 */
export async function buildVcsim(options: BuildVcsimOptions = {}): Promise<string> {
  const gopath = options.gopath ?? DEBIAN_GOPATH;
  const toolchain = await goVersion();
  if (!existsSync(join(gopath, GOVMOMI_DIR, 'simulator'))) {
    throw new VcsimToolchainMissingError(`the govmomi source is not in ${join(gopath, GOVMOMI_DIR)}`);
  }
  const sourceDir = options.sourceDir ?? findVcsimSource();
  if (!sourceDir) throw new Error('The lab simulator source (test/lab/vcsim) was not found next to this installation.');
  const cacheDir = options.cacheDir ?? (await defaultCacheDir(sourceDir));
  const binary = join(cacheDir, `lifeboat-vcsim-${await sourceHash(sourceDir, toolchain)}`);
  if (existsSync(binary)) return binary;

  await mkdir(cacheDir, { recursive: true });
  options.onProgress?.(`Building the lab simulator (${toolchain}) into ${cacheDir} ...`);
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await run('go', ['build', '-o', partial, '.'], {
      cwd: sourceDir,
      env: {
        ...process.env,
        GOPATH: gopath,
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOCACHE: process.env.GOCACHE ?? join(cacheDir, 'go-build'),
      },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    await rm(partial, { force: true });
    const stderr = (err as { stderr?: string }).stderr ?? String(err);
    throw new Error(`Building the lab simulator failed:\n${stderr.trim()}`);
  }
  await rename(partial, binary);
  await pruneOldBuilds(cacheDir, binary);
  options.onProgress?.('Lab simulator built.');
  return binary;
}

/** Removes binaries built from earlier sources (~25 MB each); running ones keep their inode. */
async function pruneOldBuilds(cacheDir: string, keep: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    if (/^lifeboat-vcsim-[0-9a-f]{16}$/.test(name) && path !== keep) await rm(path, { force: true });
  }
}
