import { verifyCopy } from '../disk-copier';
import { eachLimited } from './each-limited';
import type { RestoreJobContext, WritableDisk } from './job-context';
import type { PhaseResult } from './job-types';

/** One disk read back and compared with what was written; the result is checkpointed so a resume keeps it. */
async function verifyDisk(ctx: RestoreJobContext, d: WritableDisk): Promise<void> {
  const outcome = ctx.outcomes.get(d.key);
  if (!outcome) return;
  const source = await ctx.input.openPointDisk(d.key);
  const opened = await ctx.target.openDisk(ctx.requireVm(), ctx.targetKey(d.key), {
    transport: d.transport,
    unbuffered: d.unbuffered,
    fresh: false,
  });
  const state = ctx.progress.disks[d.key];
  if (state) state.state = 'verifying';
  try {
    outcome.verify = await verifyCopy(source, opened.image, d.ioBytes, {
      written: ctx.written.get(d.key),
      signal: ctx.signal,
      onProgress: (p) => {
        if (state) state.verifyDone = p.bytesDone;
        ctx.report();
      },
    });
    if (!outcome.verify.ok) {
      throw new Error(`${d.label}: the restored disk differs from the restore point at byte ${outcome.verify.firstMismatch}`);
    }
    if (state) state.state = 'verified';
    await ctx.checkpoint.markDiskVerified(d.key, outcome.verify);
  } finally {
    await opened.close();
    await source.close();
  }
}

/** XPORT-ALIGNED-BUFFERS: the plan's read-back verification, with the same aligned I/O and stream limit as the writes. */
export async function verifyDisks(ctx: RestoreJobContext): Promise<PhaseResult> {
  if (!ctx.input.plan.verify) return { skipped: 'verification not requested' };
  ctx.progress.verify = {
    bytesDone: 0,
    bytesTotal: ctx.writable.reduce((n, d) => n + (ctx.progress.disks[d.key]?.bytesTotal ?? 0), 0),
  };
  await eachLimited(ctx.writable, ctx.streams, (d) => verifyDisk(ctx, d));
  return `${ctx.writable.length} disk(s) read back identical`;
}
