import type { CliIo } from '../../electron/cli/cli-output';

/** A CliIo that records what a command printed. */
export function captureIo(interactive = false): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    interactive,
    out: () => out,
    err: () => err,
  };
}
