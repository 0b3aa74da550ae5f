import { VddkNotFoundError } from '../vddk/vddk-setup';
import { CliError, ExitCode } from './cli-error';

/** VDDK setup errors as CLI errors that say where Lifeboat looked and how to point it at VDDK. */
export function vddkCliError(err: unknown): never {
  if (err instanceof VddkNotFoundError) throw new CliError(err.message, ExitCode.failure, err.hint);
  if (err instanceof Error && /VDDK config file/.test(err.message)) throw new CliError(err.message, ExitCode.usage, 'Check the --vddk-config path.');
  throw err;
}
