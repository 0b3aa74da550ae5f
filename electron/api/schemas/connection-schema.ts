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

const Sha256 = z.string().regex(/^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$/, 'a SHA-256 thumbprint (32 hex pairs separated by colons)');

/** A server's certificate as shown in the trust dialog (CONN-THUMBPRINT). */
export const ServerProbe = z.object({
  server: z.string(),
  url: z.string(),
  thumbprintSha256: z.string(),
  thumbprintSha1: z.string(),
  trust: z.enum(['new', 'trusted', 'changed']),
});
export type ServerProbe = z.infer<typeof ServerProbe>;

/**
 * Adding a connection: the password travels renderer → engine once, into the
 * keychain (or, with savePassword false, into this session only); it never comes back.
 */
export const AddConnectionInput = z
  .object({
    url: z.string().min(1).max(2048),
    user: z.string().min(1).max(256),
    password: z.string().min(1).max(1024),
    name: z.string().min(1).max(100).optional(),
    trustSha256: Sha256,
    savePassword: z.boolean().optional(),
  })
  .strict();

/** A password for one saved connection, for this session only (the UI's prompt when no keychain holds it; CONN-NO-KEYCHAIN). */
export const ConnectionPasswordInput = z.object({ name: z.string().min(1).max(100), password: z.string().min(1).max(1024) }).strict();

export const ConnectionName = z.object({ name: z.string().min(1).max(100) }).strict();

export const ConnectionTestResult = z.object({
  name: z.string(),
  server: z.string(),
  product: z.string(),
  apiType: z.string(),
  apiVersion: z.string(),
  user: z.string(),
  counts: z.object({ datacenters: z.number(), hosts: z.number(), datastores: z.number(), networks: z.number() }),
  findings: z.array(z.object({ rule: z.string(), severity: z.enum(['block', 'warn', 'info']), message: z.string() })),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

/** One VM in the inventory browser. */
export const VmRow = z.object({
  moref: z.string(),
  name: z.string(),
  powerState: z.string(),
  guestFamily: z.string(),
  firmware: z.string(),
  diskCount: z.number(),
  encrypted: z.boolean(),
  hasVtpm: z.boolean(),
  template: z.boolean(),
});
export type VmRow = z.infer<typeof VmRow>;

/** A datastore the target offers, for the restore wizard's suggestions. */
export const DatastoreRow = z.object({
  name: z.string(),
  type: z.string(),
  capacityBytes: z.number(),
  freeBytes: z.number(),
  accessible: z.boolean(),
});
export type DatastoreRow = z.infer<typeof DatastoreRow>;
