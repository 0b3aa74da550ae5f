import type { Command } from 'commander';
import { resolve } from 'node:path';
import { printResult } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { formatBytes } from '../../units/byte-units';
import {
  DEMO_PASSWORD,
  defaultDemoRepositoryDir,
  ensureDemoRepository,
  type DemoResult,
} from '../../restore-points/demo-restore-point';

interface DemoOptions {
  repo?: string;
  force?: boolean;
}

/** The lab's datastore a rehearsal restore writes to (the simulator's first VMFS datastore). */
const LAB_DATASTORE = 'LocalDS_0';

/**
 * The exact next commands, with this repository's real path and the point's
 * real id (the password is piped in: it is public demo material): look at the
 * point, export a disk without any server, then plan and run a restore into the
 * lab (`lifeboat lab start` saves the connection "lab").
 */
export function demoNextSteps(r: Pick<DemoResult, 'location' | 'pointId'>): string[] {
  const repo = JSON.stringify(r.location);
  const pw = `echo ${DEMO_PASSWORD} |`;
  const request = `--repo ${repo} --password-stdin --point ${r.pointId} --connection lab --datastore ${LAB_DATASTORE}`;
  return [
    `${pw} lifeboat repo show ${r.pointId} --repo ${repo} --password-stdin`,
    `${pw} lifeboat export --repo ${repo} --point ${r.pointId} --disk 2000 --format vmdk --out demo-win2022-disk1.vmdk --password-stdin`,
    'lifeboat lab start --mode vcenter',
    `${pw} lifeboat plan ${request}`,
    // The demo's keys belong to a key provider no lab has (CRYPT-KMS-MISMATCH): the fallback is always said out loud.
    `${pw} lifeboat restore ${request} --encryption new-keys --yes`,
    'lifeboat plan --scenario resources/scenarios/encrypted-vtpm-kms-mismatch.json',
  ];
}

function formatDemo(r: DemoResult & { next: string[] }): string {
  const m = r.manifest;
  const lines = [
    `Demo repository: ${r.location} (${r.repositoryCreated ? 'created' : 'already there'})`,
    `Restore point:   ${r.pointId} of VM ${m.vm.name} (${r.reused ? 'already there; --force writes a new one' : 'written now'})`,
    `Password:        ${DEMO_PASSWORD}  (well-known demo password, not a secret; not saved in the keychain)`,
    `  firmware ${m.firmware}, vTPM, keyId ${String(m.keyId?.keyId)} (demo), policy "${String(m.storagePolicy?.name)}", NVRAM ${m.nvram?.fileName}`,
  ];
  for (const d of m.disks) {
    lines.push(
      `  disk ${d.key} "${d.label}": ${formatBytes(d.capacity)} ${d.provisioning}, ${formatBytes(d.allocatedBytes)} allocated, ${d.controller.type} ${d.controller.busNumber}:${d.controller.unitNumber}`,
    );
  }
  for (const s of m.skippedIndependentDisks)
    lines.push(`  disk ${s.key} "${s.label}": ${s.diskMode}, skipped (not in any backup)`);
  lines.push('Try next:', ...r.next.map((c) => `  ${c}`));
  return lines.join('\n');
}

export const registerDemoCommand: RegisterCommand = (program, ctx) => {
  program
    .command('demo')
    .description(
      `create (or reuse) a demo repository with one restore point of a Windows Server 2022 EFI/vTPM VM; no server needed (password: ${DEMO_PASSWORD})`,
    )
    .option('--repo <dir>', 'folder of the demo repository (default: <Lifeboat home>/demo-repository)')
    .option('--force', 'write a fresh demo restore point even if one exists')
    .action(
      commandAction(ctx, async (opts: DemoOptions, command: Command) => {
        const { json } = globalOptions(command);
        const dir = resolve(opts.repo ?? defaultDemoRepositoryDir());
        const result = await ensureDemoRepository(dir, { force: Boolean(opts.force) });
        const next = demoNextSteps(result);
        const m = result.manifest;
        printResult(
          ctx.io,
          json,
          {
            ok: true,
            location: result.location,
            repositoryId: result.repositoryId,
            repositoryCreated: result.repositoryCreated,
            pointId: result.pointId,
            reused: result.reused,
            forgotten: result.forgotten,
            password: DEMO_PASSWORD,
            vm: m.vm.name,
            firmware: m.firmware,
            disks: m.disks.map((d) => ({
              key: d.key,
              label: d.label,
              capacity: d.capacity,
              provisioning: d.provisioning,
              allocatedBytes: d.allocatedBytes,
              controller: d.controller,
            })),
            skippedIndependentDisks: m.skippedIndependentDisks,
            next,
          },
          () => formatDemo({ ...result, next }),
        );
      }),
    );
};
