import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface QemuResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs qemu-img and returns its exit code and output instead of throwing on failure. */
export async function qemuImg(...args: string[]): Promise<QemuResult> {
  try {
    const { stdout, stderr } = await run('qemu-img', args, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The allocated (data) ranges qemu-img sees in an image, merged. */
export async function qemuDataRanges(file: string, format: string): Promise<Array<{ offset: number; length: number }>> {
  const { stdout, code, stderr } = await qemuImg('map', '--output=json', '-f', format, file);
  if (code !== 0) throw new Error(`qemu-img map failed: ${stderr}`);
  const entries = JSON.parse(stdout) as Array<{ start: number; length: number; data: boolean; zero: boolean }>;
  const out: Array<{ offset: number; length: number }> = [];
  for (const e of entries) {
    if (!e.data || e.zero) continue;
    const last = out[out.length - 1];
    if (last && last.offset + last.length === e.start) last.length += e.length;
    else out.push({ offset: e.start, length: e.length });
  }
  return out;
}
