import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_VMS, type LabInfo } from '../../../electron/lab/lab-info';
import { buildVcsim } from '../../../electron/lab/vcsim-build';
import { startVcsim, type RunningLab } from '../../../electron/lab/vcsim-process';
import { login, postSoap, retrieveServiceContent } from './soap-probe';

const run = promisify(execFile);

let binary: string;
beforeAll(async () => {
  binary = await buildVcsim();
});

function vmfsFolder(info: LabInfo): string {
  const ds = info.datastores.find((d) => d.type === 'VMFS');
  if (!ds) throw new Error('no VMFS datastore');
  return ds.folder;
}

async function qemuVirtualSize(file: string): Promise<number> {
  const { stdout } = await run('qemu-img', ['info', '--output=json', file]);
  return (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
}

describe('lab simulator, vcenter mode', () => {
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startVcsim({ binary, mode: 'vcenter', vms: 3 });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('describes itself in one JSON line', () => {
    const { info } = lab;
    expect(info.mode).toBe('vcenter');
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/sdk$/);
    expect(info.username).toBe('administrator@vsphere.local');
    expect(info.password.length).toBeGreaterThanOrEqual(16);
    expect(info.datastores.map((d) => [d.name, d.type])).toEqual([
      ['LocalDS_0', 'VMFS'],
      ['lab-nfs', 'NFS'],
      ['lab-vvol', 'VVOL'],
      ['lab-san', 'VMFS'],
      ['lab-dr-ds', 'VMFS'],
    ]);
    for (const ds of info.datastores) expect(existsSync(ds.folder)).toBe(true);
    expect(info.vms).toEqual(Object.values(LAB_VMS));
    expect(info.bulkVms).toBe(3);
    expect(info.hosts.length).toBe(3);
    expect(info.hosts.every((h) => h.managementServerIp === '127.0.0.1')).toBe(true);
    expect(info.keyProviders).toEqual(['lifeboat-lab-kms']);
    expect(info.storagePolicies).toContain('VM Encryption Policy');
  });

  it('answers RetrieveServiceContent over HTTPS with the certificate it announced', async () => {
    const reply = await postSoap(lab.info.url, retrieveServiceContent);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<apiType>VirtualCenter</apiType>');
    expect(reply.fingerprint256).toBe(lab.info.thumbprintSha256);
  });

  it('accepts only its own random password', async () => {
    const bad = await postSoap(lab.info.url, login('SessionManager', lab.info.username, 'wrong-password'));
    expect(bad.status).toBe(500);
    expect(bad.body).toContain('InvalidLogin');
    const good = await postSoap(lab.info.url, login('SessionManager', lab.info.username, lab.info.password));
    expect(good.status).toBe(200);
    expect(good.body).toContain('<userName>administrator@vsphere.local</userName>');
  });

  it('keeps lab-thin-thick disks as real VMDK descriptor + sparse flat files', async () => {
    const dir = join(vmfsFolder(lab.info), LAB_VMS.thinThick);
    const expected: Array<[string, number, boolean]> = [
      ['lab-thin-thick.vmdk', 64 << 20, true],
      ['lab-thin-thick_1.vmdk', 32 << 20, false],
      ['lab-thin-thick_2.vmdk', 16 << 20, true],
    ];
    for (const [name, size, thin] of expected) {
      const descriptor = await readFile(join(dir, name), 'utf8');
      expect(descriptor).toContain('createType="vmfs"');
      expect(descriptor).toContain(`RW ${size / 512} VMFS "${name.replace('.vmdk', '-flat.vmdk')}"`);
      expect(descriptor.includes('ddb.thinProvisioned = "1"')).toBe(thin);
      expect(await qemuVirtualSize(join(dir, name))).toBe(size);
      const flat = await stat(join(dir, name.replace('.vmdk', '-flat.vmdk')));
      expect(flat.size).toBe(size);
      expect(flat.blocks * 512).toBeLessThan(size); // sparse
    }
  });

  it('removes its datastore folders when stopped with SIGTERM', async () => {
    const folders = lab.info.datastores.map((d) => d.folder);
    await lab.stop();
    for (const f of folders) expect(existsSync(f)).toBe(false);
  });
});

describe('lab simulator, esxi mode', () => {
  it('runs a standalone host that can report it is managed by a vCenter', async () => {
    const lab = await startVcsim({ binary, mode: 'esxi', managed: true, vms: 0 });
    try {
      expect(lab.info.mode).toBe('esxi');
      expect(lab.info.username).toBe('root');
      expect(lab.info.hosts).toHaveLength(1);
      expect(lab.info.hosts[0]?.managementServerIp).toBe('192.0.2.10');
      const reply = await postSoap(lab.info.url, retrieveServiceContent);
      expect(reply.body).toContain('<apiType>HostAgent</apiType>');
    } finally {
      await lab.stop();
    }
  });

  it('runs an unmanaged standalone host by default', async () => {
    const lab = await startVcsim({ binary, mode: 'esxi', vms: 0 });
    try {
      expect(lab.info.hosts[0]?.managementServerIp).toBeUndefined();
    } finally {
      await lab.stop();
    }
  });
});

describe('lab simulator datastore folders', () => {
  it('uses --datastore-root, and --keep leaves the folders for inspection', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lifeboat-lab-root-'));
    try {
      const lab = await startVcsim({ binary, mode: 'esxi', vms: 0, datastoreRoot: root, keep: true });
      const folders = lab.info.datastores.map((d) => d.folder);
      for (const f of folders) expect(f.startsWith(join(root, `lab-${lab.info.pid}`))).toBe(true);
      await lab.stop();
      for (const f of folders) expect(existsSync(f)).toBe(true);
      expect(existsSync(join(folders[0]!, LAB_VMS.thinThick, 'lab-thin-thick.vmdk'))).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('lab simulator, large inventory', () => {
  it('starts with 5,000 VMs in reasonable time', async () => {
    const started = Date.now();
    const lab = await startVcsim({ binary, vms: 5000 });
    const seconds = (Date.now() - started) / 1000;
    try {
      expect(lab.info.bulkVms).toBe(5000);
      expect(seconds).toBeLessThan(60);
    } finally {
      await lab.stop();
    }
  }, 120_000);
});

describe('lab simulator lifetime', () => {
  it('stops by itself when its parent process is killed', async () => {
    // A throwaway Node parent starts the simulator the way startVcsim does, then dies with SIGKILL.
    const script = `
      const { spawn } = require('node:child_process');
      const child = spawn(${JSON.stringify(binary)}, ['--mode', 'esxi', '--vms', '0', '--exit-with-parent'], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout.once('data', (d) => { process.stdout.write(JSON.stringify({ pid: child.pid, line: d.toString() }) + '\\n'); });
    `;
    const { spawn } = await import('node:child_process');
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const first = await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    const { pid, line } = JSON.parse(first) as { pid: number; line: string };
    const folder = (JSON.parse(line) as LabInfo).datastores[0]!.folder;
    expect(existsSync(folder)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    let alive = true;
    while (alive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
    expect(existsSync(folder)).toBe(false);
  });
});
