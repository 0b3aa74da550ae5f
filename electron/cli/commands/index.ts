import type { RegisterCommand } from '../command-action';
import { registerBackupCommand } from './backup-command';
import { registerConnectCommand } from './connect-command';
import { registerDemoCommand } from './demo-command';
import { registerEnvCommand } from './env-command';
import { registerExportCommand } from './export-command';
import { registerImportCommand } from './import-command';
import { registerJobsCommand } from './jobs-command';
import { registerLabCommand } from './lab-command';
import { registerPlanCommand } from './plan-command';
import { registerRecoveryCommand } from './recovery-command';
import { registerRecoveryRunCommand } from './recovery-run-command';
import { registerRepoCommand } from './repo-command';
import { registerRestoreCommand } from './restore-command';
import { registerServeCommand } from './serve-command';
import { registerVddkCommand } from './vddk-command';

/**
 * Every `lifeboat` subcommand, in the order `--help` lists them: the
 * disaster path first (plan, restore, export), then what feeds it.
 * A new command is one file in this folder plus one line here.
 */
export const commandModules: RegisterCommand[] = [
  registerPlanCommand,
  registerRestoreCommand,
  registerRecoveryCommand,
  registerRecoveryRunCommand,
  registerJobsCommand,
  registerExportCommand,
  registerBackupCommand,
  registerImportCommand,
  registerRepoCommand,
  registerConnectCommand,
  registerDemoCommand,
  registerLabCommand,
  registerVddkCommand,
  registerEnvCommand,
  registerServeCommand,
];
