import { z } from 'zod';

/**
 * A saved vSphere connection as the renderer sees it: never a password, only
 * whether the keychain holds one.
 */
export const ConnectionSummary = z.object({
  name: z.string(),
  url: z.string(),
  user: z.string(),
  kind: z.enum(['vcenter', 'esxi', 'unknown']),
  hasSavedPassword: z.boolean(),
  thumbprintSha256: z.string().nullable(),
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;
