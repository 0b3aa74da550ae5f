#!/usr/bin/env node
// `npm run test:native-sanitize`: builds the addon and the lab VDDK with
// AddressSanitizer + UndefinedBehaviorSanitizer into native/build/sanitize/ and
// runs the native tests (test/integration/vddk) against them. The VDDK worker is
// a plain Node binary, so the ASan runtime is preloaded (LD_PRELOAD) into every
// worker the tests start and into the C ABI driver (lab-vddk-fixture.ts does it),
// not into the test runner (vitest itself hangs under ASan). Leak checking is off
// (Node does not free everything at exit); any other ASan/UBSan report aborts the
// worker, and the test that used it fails.
// Linux with gcc only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLabVddkInto } from './build.mjs';

const nativeDir = dirname(fileURLToPath(import.meta.url));
const root = dirname(nativeDir);
const outDir = join(nativeDir, 'build', 'sanitize');
const sanitizers = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=undefined'];

function run(cmd, args, options = {}) {
  process.stderr.write(`sanitize: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(status, what) {
  if (status !== 0) throw new Error(`${what} failed (status ${status})`);
}

if (process.platform !== 'linux') {
  process.stderr.write('sanitize: Linux only; skipped\n');
  process.exit(0);
}

// 1. The lab VDDK, shaped like a VDDK distribution, sanitized.
const labDir = join(outDir, 'labvddk');
buildLabVddkInto(join(labDir, 'lib64'), { extraFlags: [...sanitizers, '-O1'] });

// 2. The addon, the same sources and defines as binding.gyp, sanitized.
const nodeInclude = join(dirname(dirname(process.execPath)), 'include', 'node');
const addonApi = createRequire(join(root, 'package.json'))('node-addon-api').include_dir;
const addon = join(outDir, 'lifeboat_vddk.node');
mkdirSync(outDir, { recursive: true });
const sources = readdirSync(join(nativeDir, 'src'))
  .filter((f) => f.endsWith('.cc'))
  .map((f) => join('src', f));
must(
  run(
    process.env.CXX || 'g++',
    [
      '-std=c++17',
      '-O1',
      '-g',
      '-fPIC',
      '-shared',
      '-Wall',
      '-Wextra',
      '-Wno-unused-parameter',
      '-Werror',
      ...sanitizers,
      '-DNAPI_VERSION=8',
      '-DNAPI_DISABLE_CPP_EXCEPTIONS',
      '-DNODE_ADDON_API_DISABLE_DEPRECATED',
      `-I${nodeInclude}`,
      `-I${join(root, addonApi)}`,
      '-Iinclude',
      '-o',
      addon,
      ...sources,
      '-ldl',
      '-lpthread',
    ],
    { cwd: nativeDir },
  ),
  'building the sanitized addon',
);

// 3. The native tests, with the sanitized builds and the ASan runtime preloaded.
const asan = spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
const ubsan = spawnSync('gcc', ['-print-file-name=libubsan.so'], { encoding: 'utf8' }).stdout.trim();
const env = {
  ...process.env,
  LIFEBOAT_TEST_WORKER_PRELOAD: [asan, ubsan].join(':'),
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1:halt_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  LIFEBOAT_ADDON: addon,
  LIFEBOAT_LAB_VDDK_DIR: labDir,
};
// The test runner itself loads only the regular addon (native-addon.ts ignores LIFEBOAT_ADDON).
const defaultTests = readdirSync(join(root, 'test', 'integration', 'vddk'))
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test', 'integration', 'vddk', f));
const tests = process.argv.slice(2).length ? process.argv.slice(2) : defaultTests;
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const status = run(process.execPath, [vitest, 'run', '--project', 'engine', ...tests], { cwd: root, env });
process.exit(status);
