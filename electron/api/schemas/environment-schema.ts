import { z } from 'zod';

/** What the engine finds out about the workstation it runs on (About / Environment page). */
export const EnvironmentFacts = z.object({
  app: z.object({
    version: z.string(),
    frontDoor: z.enum(['electron', 'browser', 'cli']),
    node: z.string(),
    electron: z.string().nullable(),
  }),
  os: z.object({
    platform: z.string(),
    release: z.string(),
    arch: z.string(),
    description: z.string(),
  }),
  workstation: z.object({
    /** null when it could not be determined. */
    isVirtualMachine: z.boolean().nullable(),
    vendor: z.string().nullable(),
    product: z.string().nullable(),
    hypervisor: z.string().nullable(),
    /** Where the answer came from, e.g. "DMI /sys/class/dmi/id/sys_vendor". */
    evidence: z.string(),
  }),
  vddk: z.object({
    configuredDir: z.string().nullable(),
    source: z.enum(['setting', 'environment', 'default', 'none']),
    found: z.boolean(),
    library: z.string().nullable(),
    majorVersion: z.number().nullable(),
    lookedFor: z.array(z.string()),
    message: z.string(),
  }),
  keychain: z.object({
    available: z.boolean(),
    backend: z.string(),
    message: z.string(),
  }),
});
export type EnvironmentFacts = z.infer<typeof EnvironmentFacts>;
