import { z } from 'zod';

/** One saved connection. Holds no secret: the password lives in the OS keychain. */
export const connectionProfileSchema = z.object({
  /** What the user calls it; unique. Defaults to the server address. */
  name: z.string().min(1),
  /** As typed, normalised to https://host[:port]/sdk. */
  url: z.string().min(1),
  /** host or host:port, the keychain account suffix. */
  server: z.string().min(1),
  user: z.string().min(1),
  /** Trusted certificate (CONN-THUMBPRINT), uppercase colon form. */
  thumbprintSha256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
  /** The same certificate's SHA-1, in the form VDDK's connect parameters expect. */
  thumbprintSha1: z.string().regex(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/),
  trustedAt: z.string(),
  addedAt: z.string(),
  /** vCenter (VirtualCenter) or a standalone host (HostAgent), as last seen. */
  apiType: z.string().optional(),
  product: z.string().optional(),
});

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;

export const connectionsFileSchema = z.object({
  version: z.literal(1),
  connections: z.array(connectionProfileSchema),
});

export type ConnectionsFile = z.infer<typeof connectionsFileSchema>;

/**
 * Keychain account for a connection's password: one per saved connection
 * (names are unique), so removing one connection never deletes the password
 * another connection to the same user@host:port relies on.
 */
export function keychainAccount(profile: Pick<ConnectionProfile, 'name' | 'user' | 'server'>): string {
  return `${profile.user}@${profile.server} (connection ${profile.name})`;
}

/** The account earlier versions shared between every connection to the same user@server; read to migrate it. */
export function legacyKeychainAccount(profile: Pick<ConnectionProfile, 'user' | 'server'>): string {
  return `${profile.user}@${profile.server}`;
}

/** Whether `accounts` (from the keychain) hold a password for the profile, under its own or the legacy account. */
export function hasSavedConnectionPassword(profile: Pick<ConnectionProfile, 'name' | 'user' | 'server'>, accounts: ReadonlySet<string>): boolean {
  return accounts.has(keychainAccount(profile)) || accounts.has(legacyKeychainAccount(profile));
}
