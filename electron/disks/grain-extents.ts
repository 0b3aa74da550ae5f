import { type DiskExtent, appendExtent } from './disk-image';

/** Grain table entries above this value point at stored grains (0 unallocated, 1 zero grain). */
export const GTE_ZERO = 1;

/**
 * Extents of [offset, offset+length) for a grain-mapped image. A missing grain
 * table maps its whole span to `zero` in one step, so huge sparse disks are cheap.
 */
export async function grainMapExtents(
  offset: number,
  length: number,
  grainBytes: number,
  gtesPerTable: number,
  tableFor: (index: number) => Promise<Uint32Array | undefined>,
): Promise<DiskExtent[]> {
  const out: DiskExtent[] = [];
  const end = offset + length;
  const tableBytes = grainBytes * gtesPerTable;
  let pos = offset;
  while (pos < end) {
    const index = Math.floor(pos / tableBytes);
    const tableEnd = Math.min((index + 1) * tableBytes, end);
    const table = await tableFor(index);
    if (!table) {
      appendExtent(out, pos, tableEnd - pos, 'zero');
      pos = tableEnd;
      continue;
    }
    while (pos < tableEnd) {
      const grain = Math.floor(pos / grainBytes);
      const n = Math.min((grain + 1) * grainBytes, tableEnd) - pos;
      appendExtent(out, pos, n, (table[grain % gtesPerTable] ?? 0) > GTE_ZERO ? 'data' : 'zero');
      pos += n;
    }
  }
  return out;
}
