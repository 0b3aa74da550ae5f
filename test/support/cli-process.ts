import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

/**
 * Bundles the CLI from source into test-output (inside the project, so npm
 * packages, resources and native builds are found as in a build) and returns
 * the script path: `node <script> ARGS` is `lifeboat ARGS` from this tree.
 */
export async function bundleCli(name: string): Promise<string> {
  const outfile = join(ROOT, 'test-output', 'cli', `${name}-${process.pid}.cjs`);
  await build({
    entryPoints: [join(ROOT, 'electron', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'silent',
    // What bin/lifeboat.js does with the compiled engine.
    footer: { js: 'module.exports.runCli(process.argv.slice(2)).then((c) => { process.exitCode = c; });' },
  });
  return outfile;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts the bundled CLI as a child process (stdin piped). */
export function spawnCli(script: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the bundled CLI to the end with `stdin` piped in. */
export function runCliProcess(script: string, args: string[], env: NodeJS.ProcessEnv, stdin = ''): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawnCli(script, args, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin?.end(stdin);
  });
}

/** `restore --json` streams JSON lines (plan, progress…, result); every line must be a JSON document. */
export function jsonEvents(stdout: string): Array<Record<string, unknown> & { event: string }> {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown> & { event: string });
}

/** The final `result` event of a `restore --json` run (the report). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resultEvent(stdout: string): any {
  const result = jsonEvents(stdout).find((e) => e.event === 'result');
  if (!result) throw new Error(`no result event in:\n${stdout.slice(-2000)}`);
  return result;
}
