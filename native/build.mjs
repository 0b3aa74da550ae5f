#!/usr/bin/env node
// `npm run build:native`: builds, when its sources changed,
//   1. the addon          native/build/Release/lifeboat_vddk.node   (node-gyp, every OS)
//   2. the lab VDDK       native/build/labvddk/lib64/libvixDiskLib.so.8  (cc, Linux only)
//   3. the VDDK worker    native/build/vddk-worker.js  (esbuild bundle of electron/vddk/vddk-worker.ts,
//                         used when the engine runs from source; dist/ has its own tsc output)
// The lab VDDK is Linux-only: elsewhere it is skipped with a note, never a failure.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(nativeDir);
const buildDir = join(nativeDir, 'build');
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

function say(text) {
  if (!quiet) process.stderr.write(`build:native: ${text}\n`);
}

function filesUnder(dir, filter) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p, filter);
    return filter(p) ? [p] : [];
  });
}

function upToDate(output, sources) {
  if (force || !existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return sources.every((s) => statSync(s).mtimeMs <= built);
}

function run(cmd, args, options = {}) {
  say(`${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited with status ${r.status}`);
}

// The Node headers of this installation (npm's nodedir, or the prefix of this node binary) so no download is needed.
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

function buildAddon() {
  const output = join(buildDir, 'Release', 'lifeboat_vddk.node');
  const sources = [
    join(nativeDir, 'binding.gyp'),
    ...filesUnder(join(nativeDir, 'src'), (p) => /\.(cc|h)$/.test(p)),
    ...filesUnder(join(nativeDir, 'include'), (p) => p.endsWith('.h')),
  ];
  if (upToDate(output, sources)) return say('addon is up to date');
  const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const common = ['--directory', nativeDir, '--loglevel=warn'];
  const dir = nodeDir();
  if (dir) common.push(`--nodedir=${dir}`);
  // configure + build rather than rebuild: rebuild wipes native/build, lab VDDK included.
  const makefile = join(buildDir, process.platform === 'win32' ? 'binding.sln' : 'Makefile');
  if (force || !upToDate(makefile, [join(nativeDir, 'binding.gyp')])) {
    run(process.execPath, [gyp, 'configure', ...common], { cwd: nativeDir });
  }
  run(process.execPath, [gyp, 'build', '--jobs', 'max', ...common], { cwd: nativeDir });
}

/** The C flags every lab VDDK object is built with (the sanitizer build adds its own). */
export const labCFlags = ['-std=c11', '-D_GNU_SOURCE', '-O2', '-g', '-Wall', '-Wextra', '-Werror', '-fPIC'];

/**
 * Builds a folder shaped like a VDDK distribution: lib64/ holds libvixDiskLib.so.8
 * plus, like real VDDK, libraries it needs from that folder (labvddk-support, in
 * place of VDDK's OpenSSL/curl) and an older-than-the-host libstdc++.so.6 stand-in.
 */
export function buildLabVddkInto(libDir, { extraFlags = [], cc = process.env.CC || 'cc' } = {}) {
  mkdirSync(libDir, { recursive: true });
  const flags = [...labCFlags, ...extraFlags];
  const standin = join(libDir, 'libstdc++.so.6');
  const support = join(libDir, 'liblabvddk-support.so.1');
  run(cc, [...flags, '-shared', '-Wl,-soname,libstdc++.so.6', '-o', standin, 'labvddk/bundled/libstdcxx-standin.c'], { cwd: nativeDir });
  run(cc, [...flags, '-shared', '-Wl,-soname,liblabvddk-support.so.1', '-o', support, 'labvddk/bundled/labvddk-support.c'], { cwd: nativeDir });
  const sources = filesUnder(join(nativeDir, 'labvddk'), (p) => p.endsWith('.c') && !p.includes(`${join('labvddk', 'bundled')}`));
  run(
    cc,
    [
      ...flags,
      '-shared',
      '-Wl,-soname,libvixDiskLib.so.8',
      '-o',
      join(libDir, 'libvixDiskLib.so.8'),
      ...sources.map((s) => relative(nativeDir, s)),
      // Recorded as DT_NEEDED by soname, found at run time only in lib64/ (like VDDK's own libraries).
      '-Wl,--no-as-needed',
      support,
      standin,
      '-Wl,--as-needed',
      '-lpthread',
    ],
    { cwd: nativeDir },
  );
}

function buildLabVddk() {
  if (process.platform !== 'linux') {
    return say(`lab VDDK skipped: it is Linux-only (this is ${process.platform}); the addon still builds`);
  }
  const libDir = join(buildDir, 'labvddk', 'lib64');
  const output = join(libDir, 'libvixDiskLib.so.8');
  const sources = [
    ...filesUnder(join(nativeDir, 'labvddk'), (p) => /\.(c|h)$/.test(p)),
    join(nativeDir, 'include', 'vixdisklib-abi.h'),
    join(nativeDir, 'build.mjs'),
  ];
  if (upToDate(output, sources)) return say('lab VDDK is up to date');
  buildLabVddkInto(libDir);
}

async function bundleWorker() {
  const entry = join(root, 'electron', 'vddk', 'vddk-worker.ts');
  if (!existsSync(entry)) return say('no electron/vddk/vddk-worker.ts yet; worker bundle skipped');
  const output = join(buildDir, 'vddk-worker.js');
  const sources = filesUnder(join(root, 'electron', 'vddk'), (p) => p.endsWith('.ts'));
  if (upToDate(output, sources)) return say('VDDK worker bundle is up to date');
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // A production install has no esbuild; it runs the tsc-compiled worker from dist/ instead.
    return say('esbuild is not installed; worker bundle skipped (dist/electron/vddk/vddk-worker.js is used)');
  }
  await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: output,
    logLevel: quiet ? 'error' : 'warning',
  });
  say(`bundled ${relative(root, output)}`);
}

/** Test files build in parallel: one build at a time per checkout, others wait for it. */
function withBuildLock(fn) {
  const lock = join(tmpdir(), `lifeboat-native-build-${createHash('sha1').update(nativeDir).digest('hex').slice(0, 12)}.lock`);
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than 10 minutes belongs to a build that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 600_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 900_000) throw new Error(`gave up waiting for the build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  return fn().finally(() => rmSync(lock, { recursive: true, force: true }));
}

// Imported by the sanitizer build for buildLabVddkInto; builds only when run as a script.
const runDirectly = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (runDirectly) {
  try {
    await withBuildLock(async () => {
      mkdirSync(buildDir, { recursive: true });
      buildAddon();
      buildLabVddk();
      await bundleWorker();
    });
  } catch (err) {
    process.stderr.write(`build:native failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
