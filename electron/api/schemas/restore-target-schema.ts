import { z } from 'zod';

const connection = z.string().min(1).max(100);

/** Everything the restore wizard's target pickers offer, read live from one connection. */
export const RestoreTargets = z.object({
  datacenters: z.array(z.object({ name: z.string() })),
  /** Clusters and standalone hosts' compute resources, each with its hosts. */
  computeResources: z.array(
    z.object({
      name: z.string(),
      datacenter: z.string().nullable(),
      isCluster: z.boolean(),
      hosts: z.array(z.string()),
    }),
  ),
  hosts: z.array(
    z.object({
      name: z.string(),
      datacenter: z.string().nullable(),
      computeResource: z.string().nullable(),
      usable: z.boolean(),
      /** Why the host cannot take a restore (disconnected, maintenance mode); absent when usable. */
      problem: z.string().optional(),
      datastores: z.array(z.string()),
      networks: z.array(z.string()),
    }),
  ),
  resourcePools: z.array(z.object({ name: z.string(), computeResource: z.string().nullable() })),
  vmFolders: z.array(z.object({ name: z.string(), datacenter: z.string().nullable() })),
  datastores: z.array(z.object({ name: z.string(), type: z.string(), capacityBytes: z.number(), freeBytes: z.number(), accessible: z.boolean() })),
  networks: z.array(z.object({ name: z.string(), distributed: z.boolean() })),
});
export type RestoreTargets = z.infer<typeof RestoreTargets>;

export const RestoreTargetsInput = z.object({ connection }).strict();

/** The live VM name conflict check of the wizard. */
export const VmNameCheckInput = z.object({ connection, name: z.string().trim().min(1).max(80) }).strict();
export const VmNameCheck = z.object({ name: z.string(), inUse: z.boolean() });
export type VmNameCheck = z.infer<typeof VmNameCheck>;
