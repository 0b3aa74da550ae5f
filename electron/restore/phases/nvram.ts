import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';

/**
 * VTPM-RESTORE: the saved NVRAM goes up through the datastore file service
 * after the VM exists. CRYPT-KEYS-MISSING: it is sealed by the original keys,
 * so with new keys or none it is unusable and left out.
 */
export async function uploadNvram(ctx: RestoreJobContext): Promise<PhaseResult> {
  const { input } = ctx;
  if (input.kind !== 'full-vm') return { skipped: 'disk restore' };
  if (input.manifest.keyId && input.placement && input.placement.encryption !== 'keep') {
    return {
      skipped: `the saved NVRAM is sealed by the original keys; with encryption "${input.placement.encryption}" the VM starts with a generic NVRAM (UEFI Secure Boot may need setting up again)`,
    };
  }
  const nvram = await input.nvram();
  if (!nvram) return { skipped: 'the restore point holds no NVRAM (VTPM-NVRAM-MISSING: a generic NVRAM is used)' };
  await ctx.target.uploadNvram(ctx.requireVm(), nvram);
  return `${nvram.length} bytes uploaded`;
}
