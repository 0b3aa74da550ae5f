import type { CliIo } from '../../../electron/cli/cli-output';
import { runCli } from '../../../electron/cli/main';

/** Runs `lifeboat …` in-process and captures its output. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    interactive: false,
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}
