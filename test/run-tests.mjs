#!/usr/bin/env node
// `npm test`: builds, then runs every test project (engine, renderer, e2e) once.
// On Linux the whole run happens inside a private D-Bus session with an
// unlocked GNOME Keyring, so keychain tests talk to a real Secret Service.
// Extra arguments go to vitest (e.g. `npm test -- test/unit/api`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

if (process.platform === 'linux' && !process.env.LIFEBOAT_TEST_KEYRING) {
  if (!which('dbus-run-session') || !which('gnome-keyring-daemon')) {
    console.error(
      'npm test needs a Secret Service for the keychain tests.\n' +
        'Install it: sudo apt-get install gnome-keyring dbus dbus-x11',
    );
    process.exit(1);
  }
  const inner = `echo -n lifeboat-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec node ${JSON.stringify(
    fileURLToPath(import.meta.url),
  )} "$@"`;
  // A keyring folder of its own: an existing login keyring with another password would stay locked and ask for a prompt.
  const keyringHome = mkdtempSync(join(tmpdir(), 'lifeboat-test-keyring-'));
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner, 'run-tests', ...args], {
    stdio: 'inherit',
    env: { ...process.env, LIFEBOAT_TEST_KEYRING: '1', XDG_DATA_HOME: keyringHome },
  });
  rmSync(keyringHome, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm test: the build failed; nothing was tested.');
  process.exit(build.status ?? 1);
}

const outDir = join(root, 'test-output');
mkdirSync(outDir, { recursive: true });
const resultsFile = join(outDir, 'vitest-results.json');
const run = spawnSync(
  join(root, 'node_modules', '.bin', 'vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...args],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
// The one allowed skip: the opt-in real vCenter/VDDK tier (test/real) says why it did not run when its settings are absent.
let realTierSkipped = 0;
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = results.numPassedTests ?? 0;
  failed = results.numFailedTests ?? 0;
  skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  for (const file of results.testResults ?? []) {
    if (!/[\\/]test[\\/]real[\\/]/.test(file.name ?? '')) continue;
    realTierSkipped += (file.assertionResults ?? []).filter((a) => a.status === 'pending' || a.status === 'skipped' || a.status === 'todo').length;
  }
}
if (realTierSkipped > 0) console.log(`\n${realTierSkipped} skipped: the opt-in real vCenter/VDDK tier (set LIFEBOAT_REAL_VCENTER and LIFEBOAT_REAL_VDDK_DIR to run it; see the README).`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
if (process.env.CI && skipped > realTierSkipped) {
  console.error('CI runs every test: skipped tests are not allowed (install the missing dependency in .ci/run instead).');
  process.exit(1);
}
if (run.status === 0 && passed === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(run.status ?? 1);
