// Running a peer tool or a bench step as a child process, synchronously: its output, its wall time, its peak
// memory, and one clear error (the command, its exit and the end of its stderr) when it fails.
import { spawnSync } from 'node:child_process';

const MiB = 1024 * 1024;

function spawnChecked(shown, cmd, args, { env = {}, cwd, hint } = {}) {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, cwd, encoding: 'utf8', maxBuffer: 64 * MiB });
  if (r.error) throw new Error(`cannot run ${shown[0]}: ${r.error.message}${hint ? ` (${hint})` : ''}`);
  if (r.status !== 0)
    throw new Error(
      `${shown.slice(0, 5).join(' ')} failed (${r.signal ?? `exit ${r.status}`}): ${r.stderr.trim().slice(-800)}`,
    );
  return r;
}

/**
 * Runs `cmd args` to its end; `env` is added to this process's environment, `cwd` is its folder, `hint` says
 * how to install it when it cannot start. Throws when it fails. Returns spawnSync's result (text output).
 */
export function run(cmd, args, options) {
  return spawnChecked([cmd, ...args], cmd, args, options);
}

/** `run`, with its wall time: { seconds, stdout, stderr }. */
export function timedRun(cmd, args, options) {
  const start = process.hrtime.bigint();
  const r = run(cmd, args, options);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, stdout: r.stdout, stderr: r.stderr };
}

/** `timedRun` under /usr/bin/time, with the command's peak memory: { seconds, maxRssMiB, stdout }. */
export function timedRunWithMemory(cmd, args, options) {
  const start = process.hrtime.bigint();
  const r = spawnChecked([cmd, ...args], '/usr/bin/time', ['-f', 'MAXRSS %M', cmd, ...args], options);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  return { seconds, maxRssMiB: m ? Number(m[1]) / 1024 : null, stdout: r.stdout };
}

/** What `cmd args` prints, trimmed, or null when it is not installed or fails (a peer's version, for instance). */
export function outputOrNull(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error || r.status !== 0 ? null : r.stdout.trim();
}
