import type { AllocatedRange, AllocationProbe } from '../disks/allocation-probe';
import { loadMainProcessAddon, type MainProcessAddon } from './native-addon';

/**
 * Allocation of local files from their holes (SEEK_DATA/SEEK_HOLE in the addon,
 * off the JS thread). On Windows the addon reports the whole range allocated.
 */
export class NativeAllocationProbe implements AllocationProbe {
  constructor(private readonly addon: MainProcessAddon = loadMainProcessAddon()) {}

  // async: a bad argument the addon throws at once becomes a rejection, like every other failure.
  async allocatedRanges(path: string, offset: number, length: number): Promise<AllocatedRange[]> {
    return this.addon.fileAllocatedRanges(path, offset, length);
  }
}
