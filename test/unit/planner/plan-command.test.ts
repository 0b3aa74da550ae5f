import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { readScenarioSource } from '../../../electron/cli/commands/plan-command';
import type { Plan } from '../../../electron/planner/plan-types';

const here = path.dirname(fileURLToPath(import.meta.url));
const scenariosDir = path.resolve(here, '../../../resources/scenarios');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-plan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), interactive: false });
  return { code, stdout, stderr };
}

function file(name: string, content: string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const okScenario = JSON.stringify({ restorePoint: { disks: [{ key: 2000, capacityBytes: 1073741824 }] } });
const blockedScenario = JSON.stringify({
  restorePoint: { disks: [{ key: 2000, capacityBytes: 1073741824 }] },
  options: { transport: 'san' },
});

describe('lifeboat plan --scenario', () => {
  it('exits 0 and prints the plan as JSON when the plan can run', async () => {
    const r = await run(['plan', '--scenario', file('ok.json', okScenario), '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.ok).toBe(true);
    expect(plan.disks[0]).toMatchObject({ key: 2000, transport: 'nbdssl', ioBytes: 2097152, unbuffered: false });
    expect(Array.isArray(plan.findings) && Array.isArray(plan.steps)).toBe(true);
  });

  it('accepts --json before the command too', async () => {
    const r = await run(['--json', 'plan', '--scenario', file('ok2.json', okScenario)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it('exits 3 when a rule blocks the plan, still printing the plan', async () => {
    const r = await run(['plan', '--scenario', file('blocked.json', blockedScenario), '--json']);
    expect(r.code).toBe(3);
    const plan = JSON.parse(r.stdout) as Plan;
    expect(plan.ok).toBe(false);
    expect(plan.disks[0]!.transport).toBeNull();
    expect(plan.findings.map((f) => f.rule)).toContain('XPORT-NO-AVAILABLE');
  });

  it('prints a readable plan in text mode: disks and why, findings by severity with remedies, numbered steps', async () => {
    const r = await run(['plan', '--scenario', file('blocked-text.json', blockedScenario)]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/BLOCKED/);
    expect(r.stdout).toMatch(/2000 Disk 2000: none/);
    expect(r.stdout).toMatch(/why: The requested san is excluded by XPORT-SAN-NO-LUN/);
    expect(r.stdout).toMatch(/Blocking[^\n]*:\n {2}XPORT-SAN-NO-LUN/);
    expect(r.stdout).toMatch(/→ /);
    expect(r.stdout).toMatch(/Steps:\n {2}1\. /);
    const ok = await run(['plan', '--scenario', file('ok-text.json', okScenario)]);
    expect(ok.stdout).toMatch(/OK: the restore can run/);
    expect(ok.stdout).toMatch(/Notes:/);
  });

  it('reads the scenario from stdin with -', async () => {
    const text = await readScenarioSource(
      '-',
      Readable.from([Buffer.from(okScenario.slice(0, 10)), Buffer.from(okScenario.slice(10))]),
    );
    expect(JSON.parse(text)).toEqual(JSON.parse(okScenario));
  });

  it('exits 2 for a missing file, saying what to do', async () => {
    const r = await run(['plan', '--scenario', path.join(tmp, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read scenario file .*nope\.json: no such file/);
    expect(r.stderr).toMatch(/resources\/scenarios/);
  });

  it('exits 2 for text that is not JSON, with line and column', async () => {
    const r = await run(['plan', '--scenario', file('bad.json', '{\n  "workstation": {\n    "kind": "vm",\n  }\n}\n')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid JSON at line 4, column 3/);
  });

  it('exits 2 for schema errors, listing every bad field by path (JSON form too)', async () => {
    const bad = file(
      'schema.json',
      JSON.stringify({
        workstation: { kind: 'mainframe' },
        restorePoint: { disks: [{ key: 2000, capacityBytes: 1, provisoning: 'thin' }] },
        extra: 1,
      }),
    );
    const text = await run(['plan', '--scenario', bad]);
    expect(text.code).toBe(2);
    expect(text.stderr).toMatch(/3 problems/);
    expect(text.stderr).toContain('restorePoint.disks[0].provisoning: unknown field');
    expect(text.stderr).toContain('extra: unknown field');
    expect(text.stderr).toMatch(/workstation\.kind: /);
    const json = await run(['plan', '--scenario', bad, '--json']);
    expect(json.code).toBe(2);
    const body = JSON.parse(json.stdout);
    expect(body.ok).toBe(false);
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'extra',
      'restorePoint.disks[0].provisoning',
      'workstation.kind',
    ]);
  });

  it('exits 2 when no scenario is given', async () => {
    const r = await run(['plan']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nothing to plan: give a what-if scenario \(--scenario FILE\) or a live restore request/);
  });

  it('exits 2 for a live plan missing --connection or --datastore, or mixed with --scenario', async () => {
    const partial = await run(['plan', '--repo', tmp, '--point', 'p1', '--json']);
    expect(partial.code).toBe(2);
    expect(JSON.parse(partial.stdout).error.message).toMatch(/missing --connection, --datastore/);
    const mixed = await run(['plan', '--scenario', 'x.json', '--point', 'p1', '--json']);
    expect(mixed.code).toBe(2);
    expect(JSON.parse(mixed.stdout).error.message).toMatch(/either --scenario or the live options/);
  });

  it('documents both forms in --help, live options in their own group', async () => {
    const r = await run(['plan', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--scenario <file>/);
    expect(r.stdout).toMatch(/Live planning[^\n]*:\n\s+--repo <dir>/);
    for (const o of ['--point', '--connection', '--host', '--datastore', '--transport']) expect(r.stdout).toContain(o);
  });
});

/** What each example scenario demonstrates (trainer material): verdict and the rules it must show. */
const EXPECTED: Record<string, { exit: number; rules: string[]; transports: (string | null)[]; vmName?: string; absent?: string[] }> = {
  'physical-san-thick.json': { exit: 0, rules: ['XPORT-SAN-STREAMS', 'XPORT-ALIGNED-BUFFERS'], transports: ['san', 'san'] },
  'thin-over-san-nbdssl.json': {
    exit: 0,
    rules: ['XPORT-SAN-THIN-SLOW', 'XPORT-NBDSSL-BUFFER', 'NFC-KEEPALIVE'],
    transports: ['nbdssl'],
  },
  'vm-proxy-hotadd-ide.json': {
    exit: 0,
    rules: [
      'XPORT-HOTADD-IDE',
      'XPORT-HOTADD-UNBUFFERED',
      'XPORT-HOTADD-CONTROLLER-ORDER',
      'STEP-WINDOWS-SIGNATURE',
      'STEP-HOTADD-CLEANUP',
    ],
    transports: ['hotadd', 'nbdssl'],
  },
  'encrypted-vtpm-kms-mismatch.json': {
    exit: 0,
    rules: ['CRYPT-KMS-MISMATCH', 'CRYPT-KEYS-SAVED', 'VTPM-FIRMWARE', 'VTPM-RESTORE', 'XPORT-SAN-NO-ENCRYPTED'],
    transports: ['nbdssl'],
  },
  'managed-esxi-host.json': { exit: 3, rules: ['CONN-HOST-MANAGED'], transports: ['nbdssl'] },
  'unencrypted-fallback-new-name.json': {
    exit: 0,
    rules: ['VTPM-RESTORE', 'VTPM-NVRAM-MISSING', 'STEP-POWER-ON'],
    transports: ['nbdssl'],
    vmName: 'tech-test',
    absent: ['CRYPT-KEYS-SAVED', 'VTPM-FIRMWARE', 'CRYPT-KMS-MISMATCH'],
  },
  'older-host-network-map.json': { exit: 0, rules: ['DATA-HW-VERSION', 'DATA-NETWORK-MAP'], transports: ['nbdssl'], vmName: 'web01-dr' },
  'disks-into-running-vm.json': { exit: 3, rules: ['DATA-TARGET-POWERED-ON', 'DATA-DISK-MAP'], transports: ['nbdssl', 'nbdssl'] },
  'san-restore-snapshot.json': { exit: 0, rules: ['XPORT-SAN-RESTORE-SNAPSHOT'], transports: ['san'] },
  'disks-on-two-datastores.json': { exit: 0, rules: ['XPORT-SAN-NO-LUN'], transports: ['nbdssl', 'nbdssl'], vmName: 'file01-dr', absent: ['DATA-THICK-SPACE'] },
  'imported-image-choices.json': { exit: 0, rules: ['DATA-NO-CONFIGINFO'], transports: ['nbdssl'], vmName: 'app01-field' },
  'blocked-san-from-vm.json': {
    exit: 3,
    rules: ['XPORT-SAN-NEEDS-PHYSICAL', 'XPORT-SAN-NO-VVOL', 'XPORT-NO-AVAILABLE', 'DATA-THICK-SPACE'],
    transports: [null],
  },
};

describe('example scenarios in resources/scenarios', () => {
  it('are all covered here', () => {
    expect(
      readdirSync(scenariosDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name} plans as described`, async () => {
      const r = await run(['plan', '--scenario', path.join(scenariosDir, name), '--json']);
      expect(r.code).toBe(want.exit);
      const plan = JSON.parse(r.stdout) as Plan;
      expect(plan.disks.map((d) => d.transport)).toEqual(want.transports);
      expect(plan.rulesApplied).toEqual(expect.arrayContaining(want.rules));
      for (const rule of want.absent ?? []) expect(plan.rulesApplied).not.toContain(rule);
      if (want.vmName) expect(plan.vmName).toBe(want.vmName);
      expect(JSON.parse(readFileSync(path.join(scenariosDir, name), 'utf8')).description).toEqual(expect.any(String));
    });
  }
  it('disks-on-two-datastores.json puts each disk on its datastore, and the plan says so', async () => {
    const r = await run(['plan', '--scenario', path.join(scenariosDir, 'disks-on-two-datastores.json'), '--json']);
    expect((JSON.parse(r.stdout) as Plan).disks.map((d) => [d.key, d.datastore])).toEqual([[2000, 'dr-vmfs01'], [2001, 'dr-nfs-data']]);
  });
});
