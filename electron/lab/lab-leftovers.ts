import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * A lab whose simulator died (killed, machine reset) leaves its datastore
 * folders behind, and they hold whole disks (1.1 GB was seen). `lab start`
 * writes this marker into the folder holding a lab's datastores, and removes
 * folders whose marker names this Lifeboat folder and a lab process that is
 * gone. Folders without our marker (other users, test runs) are never touched.
 */
export const LAB_OWNER_MARKER = '.lifeboat-lab-owner';

const markerSchema = z.object({ home: z.string(), pid: z.number().int(), binary: z.string(), createdAt: z.string() });

/** Where the simulator makes its folders when no --datastore-root is given (see test/lab/vcsim/lab.go). */
const DEFAULT_PARENTS = ['/dev/shm', tmpdir()];

/** The folder holding a lab's datastore folders. */
export function labRootOf(datastores: ReadonlyArray<{ folder: string }>): string | undefined {
  return datastores[0] ? dirname(datastores[0].folder) : undefined;
}

export async function markLabRoot(home: string, root: string, pid: number, binary: string): Promise<void> {
  const marker = { home: resolve(home), pid, binary, createdAt: new Date().toISOString() };
  await writeFile(join(root, LAB_OWNER_MARKER), JSON.stringify(marker) + '\n', { mode: 0o600 });
}

async function ownerOf(folder: string): Promise<z.infer<typeof markerSchema> | undefined> {
  try {
    return markerSchema.parse(JSON.parse(await readFile(join(folder, LAB_OWNER_MARKER), 'utf8')));
  } catch {
    return undefined;
  }
}

async function candidates(parents: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const parent of new Set(parents)) {
    const names = await readdir(parent).catch(() => [] as string[]);
    for (const name of names) if (name.startsWith('lifeboat-lab-') || name.startsWith('lab-')) out.push(join(parent, name));
  }
  return out;
}

/**
 * Removes the datastore folders of this Lifeboat folder's labs that no longer
 * run. `roots` adds lab roots known from the state file (a --datastore-root lab);
 * `alive` says whether a marker's process is still that lab. Returns what was removed.
 */
export async function removeLabLeftovers(
  home: string,
  alive: (pid: number, binary: string) => boolean,
  roots: string[] = [],
): Promise<string[]> {
  const removed: string[] = [];
  const parents = [...DEFAULT_PARENTS, ...roots.map((r) => dirname(r))];
  for (const folder of new Set([...roots, ...(await candidates(parents))])) {
    const owner = await ownerOf(folder);
    if (!owner || owner.home !== resolve(home) || alive(owner.pid, owner.binary)) continue;
    await rm(folder, { recursive: true, force: true });
    removed.push(folder);
  }
  return removed;
}
