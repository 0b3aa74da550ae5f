import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RecoveryPlanFile } from '../../../electron/api/schemas/recovery-plan-file';
import { LAB_SITE_VM_NAMES } from '../../../electron/lab/lab-site-vms';
// @ts-expect-error the bench is plain JavaScript (an .mjs script without types)
import { chooseVms, hostUtilisationOf, planYaml } from '../../bench/recovery-bench.mjs';

const ROOT = resolve(__dirname, '..', '..', '..');

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test', 'bench', 'recovery-bench.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

const site = LAB_SITE_VM_NAMES.map((name, i) => ({ name, host: `DC0_C0_H${i % 3}`, datastore: i % 2 ? 'site-ds-02' : 'site-ds-01' }));

describe('the recovery bench (test/bench/recovery-bench.mjs)', () => {
  it('takes 12 site VMs as 4 on each of the 3 hosts, and writes a plan file the recovery schema accepts', () => {
    const chosen = chooseVms(site, 12) as typeof site;
    expect(chosen).toHaveLength(12);
    for (const h of ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']) expect(chosen.filter((v) => v.host === h)).toHaveLength(4);
    const plan = RecoveryPlanFile.parse(parse(planYaml('/var/tmp/bench-repo', chosen, 4) as string));
    expect(plan.limits.nbdStreamsPerHost).toBe(4);
    expect(plan.groups[0]!.vms.map((v) => v.vm)).toEqual(chosen.map((v) => v.name));
    expect(plan.groups[0]!.vms.map((v) => v.name)).toEqual(chosen.map((v) => `${v.name}-rec`));
  });

  it('reads per-host utilisation from the recovery run\'s JSON, else from the report file it names, else says it cannot', async () => {
    const hosts = [{ host: 'DC0_C0_H0', cap: 4, peakStreams: 4, utilisation: 0.8 }];
    expect(hostUtilisationOf({ hostUtilisation: hosts })).toEqual(hosts);
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-bench-report-'));
    try {
      const json = join(dir, 'report.json');
      await writeFile(json, JSON.stringify({ hostUtilisation: hosts }));
      expect(hostUtilisationOf({ report: { json, html: join(dir, 'report.html') } })).toEqual(hosts);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(() => hostUtilisationOf({ ok: true })).toThrow(/no hostUtilisation/);
  });

  it('runs everything before the recovery run: site lab, restore points and the restores one after another through the CLI', async () => {
    const run = await runBench(['--vms', '3', '--skip-recovery', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.hosts).toEqual(['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']);
    expect(result.points.map((p: { vm: string }) => p.vm)).toEqual(['dc01', 'dc02', 'dns01']);
    for (const p of result.points) expect(p.pointId).toMatch(/^[0-9a-f]{16,}$/);
    expect(result.sequential.restores.map((r: { vm: string; host: string }) => [r.vm, r.host])).toEqual([
      ['dc01', 'DC0_C0_H0'],
      ['dc02', 'DC0_C0_H1'],
      ['dns01', 'DC0_C0_H2'],
    ]);
    expect(result.sequential.ms).toBeGreaterThan(0);
    expect(result.recovery).toBeNull();
    expect(JSON.parse(await readFile(join(ROOT, 'test-output', 'bench', 'recovery.json'), 'utf8'))).toEqual(result);
  }, 300_000);
});
