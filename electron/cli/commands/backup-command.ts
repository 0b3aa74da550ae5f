import type { Command } from 'commander';
import type { BackupProgress } from '../../backup/backup-progress';
import type { BackupResult } from '../../backup/backup-result';
import { lifeboatHome } from '../../config/paths';
import { ConnectionStore } from '../../connections/connection-store';
import { BackupService } from '../../engine/backup-service';
import { OsKeychain } from '../../keychain/os-keychain';
import type { SecretStore } from '../../keychain/secret-store';
import type { PasswordInput } from '../../repository/repository-password';
import { resolveVddkSetup } from '../../vddk/vddk-setup';
import { openRepository, repoCommandDeps, repositoryDir, withRepositoryOptions } from '../repository-options';
import { cliSessionSecrets, withConnectionPasswordOptions, type ConnectionPasswordOptions } from '../connection-password-options';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';

const TRANSPORTS = ['nbdssl', 'nbd', 'hotadd', 'san'] as const;

/** What the backup command reaches outside itself; tests replace the keychain and home. */
export interface BackupCommandDeps {
  secrets: () => SecretStore;
  home: () => string;
  passwordInput: (io: CliIo) => PasswordInput;
}

const defaultDeps: BackupCommandDeps = {
  secrets: () => new OsKeychain(),
  home: () => lifeboatHome(),
  passwordInput: (io) => repoCommandDeps.input(io),
};

interface BackupOptions extends ConnectionPasswordOptions {
  connection: string;
  vm: string;
  repo?: string;
  full?: boolean;
  transport: string;
  quiesce?: boolean;
  vddkDir?: string;
  vddkConfig?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  remember?: boolean;
}

const MiB = 1024 * 1024;
const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

/** A status line per phase change, and at most one a second while reading. */
function progressPrinter(io: CliIo): (p: BackupProgress) => void {
  let lastKey = '';
  let lastLine = 0;
  return (p) => {
    if (p.phase !== 'reading') {
      const key = `${p.phase}:${p.detail}`;
      if (key !== lastKey && p.phase !== 'done') io.stderr(`${p.detail}…\n`);
      lastKey = key;
      return;
    }
    if (lastKey !== 'reading') {
      lastKey = 'reading';
      io.stderr(`reading ${mib(p.bytesTotal)} from ${p.disks.length} disk(s)…\n`);
    }
    const now = Date.now();
    if (now - lastLine < 1000 && p.bytesDone < p.bytesTotal) return;
    lastLine = now;
    const pct = p.bytesTotal ? Math.floor((100 * p.bytesDone) / p.bytesTotal) : 100;
    const disks = p.disks.map((d) => `${d.label} ${mib(d.bytesDone)}/${mib(d.bytesTotal)}`).join(', ');
    io.stderr(`read ${mib(p.bytesDone)} of ${mib(p.bytesTotal)} (${pct}%): ${disks}\n`);
  };
}

function formatResult(r: BackupResult): string {
  const lines = [
    `Restore point ${r.pointId} (${r.kind}${r.parentPointId ? `, after ${r.parentPointId}` : ''}) of ${r.vm.name} saved in ${(r.durationMs / 1000).toFixed(1)} s.`,
  ];
  for (const d of r.disks) {
    lines.push(
      `  ${d.label}: read ${mib(d.bytesRead)} (${d.read === 'changed' ? 'changed areas' : 'allocated areas'}, ${d.transportMode}), change id ${d.changeId ?? 'none'}`,
    );
  }
  for (const d of r.skippedDisks) lines.push(`  ${d.label}: skipped, ${d.diskMode} (BACKUP-SKIP-INDEPENDENT)`);
  lines.push(`Repository grew by ${mib(r.bytesAdded)} (${r.chunksWritten} new chunks, ${r.chunksDeduplicated} already stored).`);
  for (const f of r.findings) lines.push(`${f.severity.toUpperCase()} ${f.rule}: ${f.message}`);
  lines.push(`Rules applied: ${r.rulesApplied.join(', ')}`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

/** `lifeboat backup`: one restore point of a VM (full, or change-tracked incremental) into a repository. */
export function createBackupCommand(overrides: Partial<BackupCommandDeps> = {}): RegisterCommand {
  const deps: BackupCommandDeps = { ...defaultDeps, ...overrides };
  return (program, ctx) => {
    const backup = program
      .command('backup')
      .description('back up a VM into a restore point: full the first time, then only areas changed since the last point (CBT)')
      .requiredOption('--connection <name>', 'saved connection to the vCenter or host (see `lifeboat connect list`)')
      .requiredOption('--vm <name>', 'name of the virtual machine to back up')
      .option('--full', 'read every allocated area even when an incremental is possible')
      .option('--transport <mode>', `VDDK transport: ${TRANSPORTS.join(', ')}`, 'nbdssl')
      .option('--quiesce', 'quiesce the guest file systems for the snapshot (needs VMware Tools)')
      .option('--vddk-dir <folder>', 'VDDK distribution folder (default: the vddkDir setting, then LIFEBOAT_VDDK_DIR)')
      .option(
        '--vddk-config <file>',
        "extra VDDK config lines to add (default for the lab VDDK: the running lab's labvddk.conf)",
      );
    withConnectionPasswordOptions(
      withRepositoryOptions(backup, 'save the repository password in the OS keychain for later commands'),
    ).action(
      commandAction(ctx, async (opts: BackupOptions, command: Command) => {
        const { json } = globalOptions(command);
        if (!(TRANSPORTS as readonly string[]).includes(opts.transport)) {
          throw new CliError(`unknown transport "${opts.transport}"`, ExitCode.usage, `Use one of ${TRANSPORTS.join(', ')}.`);
        }
        const home = deps.home();
        const connections = new ConnectionStore(home);
        const profile = await connections.get(opts.connection);
        if (!profile) {
          throw new CliError(
            `no saved connection named "${opts.connection}"`,
            ExitCode.usage,
            'List them with `lifeboat connect list`, or add one with `lifeboat connect add`.',
          );
        }
        const vddk = await resolveVddkSetup({ dir: opts.vddkDir, configFile: opts.vddkConfig, home });
        const keychain = deps.secrets();
        const { secrets, bind } = await cliSessionSecrets(opts, keychain, connections);
        await bind(opts.connection);
        const repo = await openRepository(ctx, opts, json, { input: deps.passwordInput, keychain: () => keychain });
        // The command only parses and renders: the backup service plans, runs the job and writes the report.
        const service = new BackupService({
          home,
          connections,
          secrets,
          openRepository: async () => repo,
          vddk: async () => vddk,
        });
        const request = service.parseRequest({
          repo: repositoryDir(opts),
          connection: opts.connection,
          vm: opts.vm,
          full: Boolean(opts.full),
          transport: opts.transport,
          quiesce: Boolean(opts.quiesce),
        });
        const controller = new AbortController();
        const onSigint = () => controller.abort(new Error('cancelled (Ctrl+C); cleaning up'));
        process.once('SIGINT', onSigint);
        try {
          const { result } = await service.start(request, {
            signal: controller.signal,
            onProgress: json ? undefined : progressPrinter(ctx.io),
          });
          printResult(ctx.io, json, result, formatResult);
          return ExitCode.ok;
        } finally {
          process.removeListener('SIGINT', onSigint);
        }
      }),
    );
  };
}

export const registerBackupCommand: RegisterCommand = createBackupCommand();
