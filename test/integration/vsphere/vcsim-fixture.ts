import { spawn } from 'node:child_process';
import { probeCertificate } from '../../../electron/vsphere/pinned-tls';
import { parseServerUrl } from '../../../electron/vsphere/server-url';

export interface VcsimHandle {
  info: { url: string; username: string; password: string; thumbprintSha1: string; thumbprintSha256: string };
  stop(): Promise<void>;
}

/** Temporary: starts a locally built vcsim until the shared lab lands. */
export async function startVcsim(opts: { mode: 'vcenter' | 'esxi'; vms?: number }): Promise<VcsimHandle> {
  const args = ['-vms', String(opts.vms ?? 2), '-user', 'lifeboat', '-pass', 'Lb-s3cret!pw'];
  if (opts.mode === 'esxi') args.push('-esx');
  const child = spawn('/tmp/a2vcsim/vcsim', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /URL=https:\/\/[^@]*@(\S+)/.exec(out);
      if (m) resolve(`https://${m[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`vcsim exited ${code}`)));
  });
  const addr = parseServerUrl(url);
  const tp = await probeCertificate({ host: addr.host, port: addr.port });
  return {
    info: { url, username: 'lifeboat', password: 'Lb-s3cret!pw', thumbprintSha1: tp.sha1, thumbprintSha256: tp.sha256 },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
