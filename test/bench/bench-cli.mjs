// The Lifeboat CLI (bundled by bundleCli) as a bench runs it: a child process per command, its JSON document,
// and a BenchFailure (thrown, so a lab the bench started is still stopped on the way out) when it fails.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labVddkDir } from './bench-bundle.mjs';

/** A step of the bench that did not work: its message is all the user needs (no stack). */
export class BenchFailure extends Error {}

export function fail(message) {
  throw new BenchFailure(message);
}

/** The CLI's environment for a bench: its own LIFEBOAT_HOME in `work`, the lab VDDK, no saved repository or password file. */
export function cliEnv(work) {
  return {
    ...process.env,
    LIFEBOAT_HOME: join(work, 'home'),
    LIFEBOAT_VDDK_DIR: labVddkDir,
    LIFEBOAT_REPO: '',
    LIFEBOAT_REPO_PASSWORD_FILE: '',
  };
}

/** `node [nodeFlags] cli args`: { code, stdout, stderr, seconds } (wall time from start to exit). */
export function runCli(cli, args, env, nodeFlags = []) {
  return new Promise((done, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [...nodeFlags, cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      done({ code: code ?? -1, stdout, stderr, seconds: Number(process.hrtime.bigint() - start) / 1e9 }),
    );
  });
}

/** The JSON document on stdout: the whole of it, else its last line that is an object (restore streams progress lines first). */
export function lastJson(stdout) {
  try {
    return JSON.parse(stdout);
  } catch {
    const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        return JSON.parse(lines[i]);
      } catch {
        // a partial line: keep looking
      }
    }
    return undefined;
  }
}

/** The JSON document of a `--json` command that must have succeeded (`step` names it in the failure). */
export function mustSucceed(step, run) {
  if (run.code !== 0) fail(`${step} failed (exit ${run.code}):\n${(run.stderr || run.stdout).trim().slice(-3000)}`);
  const doc = lastJson(run.stdout);
  if (doc === undefined) fail(`${step} printed no JSON:\n${run.stdout.slice(0, 2000)}`);
  return doc;
}

/**
 * `lifeboat lab start --json` hands out the lab's password once when there is no keychain (a plain terminal):
 * kept in a file in `work` for this run; returns the connection arguments that name it.
 */
export function labConnectionArgs(lab, work) {
  if (!lab.password) return [];
  const file = join(work, 'lab-password');
  writeFileSync(file, `${lab.password}\n`, { mode: 0o600 });
  return ['--connection-password-file', file];
}

/**
 * The end of a bench that ran the lab from `work`: stops the lab it started and removes `work`, or with --keep
 * leaves both and says how to stop the lab.
 */
export async function leaveLabWork(name, { cli, env, work, labStarted, keep }) {
  if (labStarted && !keep) await runCli(cli, ['lab', 'stop'], env);
  if (!keep) rmSync(work, { recursive: true, force: true });
  else process.stderr.write(`${name}: kept ${work} (and the lab: LIFEBOAT_HOME=${join(work, 'home')} lifeboat lab stop)\n`);
}

/** What a bench prints when it stops on `err`: a BenchFailure's message alone, else the stack. */
export function failureText(err) {
  return err instanceof BenchFailure ? err.message : (err?.stack ?? String(err));
}
