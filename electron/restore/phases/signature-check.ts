import { describeIdentity, diskIdentity, sameIdentity } from '../disk-signature';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

const SECTOR = 512;

/** Reads a disk's MBR signature / GPT GUID back over NBDSSL (never the transport that may have changed it) and rewrites the saved one when it differs. */
async function checkSignature(ctx: RestoreJobContext, key: number): Promise<string> {
  const saved = ctx.pointDisk(key);
  const backup = diskIdentity(Buffer.from(saved.sector0, 'base64'), Buffer.from(saved.gptHeader, 'base64'));
  const opened = await ctx.target.openDisk(ctx.requireVm(), ctx.targetKey(key), {
    transport: 'nbdssl',
    unbuffered: false,
    fresh: false,
  });
  try {
    const head = await opened.image.read(0, 2 * SECTOR);
    const now = diskIdentity(head.subarray(0, SECTOR), head.subarray(SECTOR));
    if (sameIdentity(now, backup)) return `${saved.label}: ${describeIdentity(now)} as in the backup`;
    await opened.image.write(0, Buffer.from(saved.sector0, 'base64'));
    if (backup.gptDiskGuid) await opened.image.write(SECTOR, Buffer.from(saved.gptHeader, 'base64'));
    await opened.image.flush();
    return `${saved.label}: found ${describeIdentity(now)}, rewrote ${describeIdentity(backup)} from the backup`;
  } finally {
    await opened.close();
  }
}

/** STEP-WINDOWS-SIGNATURE: the disks the plan's steps name (a step without a disk means every written disk). */
export async function signatureCheck(ctx: RestoreJobContext): Promise<PhaseResult> {
  const keys = [...new Set(ctx.input.plan.steps.filter((s) => s.rule === 'STEP-WINDOWS-SIGNATURE').map((s) => s.disk))];
  const disks = keys.includes(undefined) ? ctx.writable.map((d) => d.key) : (keys.filter((k) => k !== undefined) as number[]);
  if (disks.length === 0) return { skipped: 'no disk needs it (not a Windows guest restored over HotAdd)' };
  const lines: string[] = [];
  for (const key of disks) {
    const line = await checkSignature(ctx, key);
    const o = ctx.outcomes.get(key);
    if (o) o.signature = line;
    lines.push(line);
  }
  return lines.join('; ');
}
