import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface ServedHost {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `lifeboat serve --port 0 --json` exactly as a user would (the built CLI) and reads its URL. */
export function startServeProcess(env: NodeJS.ProcessEnv): Promise<ServedHost> {
  const bin = join(__dirname, '..', '..', 'bin', 'lifeboat.js');
  const child = spawn(process.execPath, [bin, '--json', 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`lifeboat serve did not start: ${err}`)), 30_000);
    child.stderr?.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`lifeboat serve exited with ${code}: ${err}`)));
    child.stdout?.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      clearTimeout(timer);
      const { url, port } = JSON.parse(line) as { url: string; port: number };
      resolve({
        url,
        port,
        process: child,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
