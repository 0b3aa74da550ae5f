/**
 * A small LRU of plain chunks for readers (restore reads a chunk-size slot
 * many times in smaller pieces). Concurrent misses for one id share one load.
 */
export class ChunkCache {
  private readonly entries = new Map<string, Promise<Buffer>>();

  constructor(private readonly maxEntries: number) {}

  get(id: string, load: (id: string) => Promise<Buffer>): Promise<Buffer> {
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const loading = load(id);
    this.entries.set(id, loading);
    loading.catch(() => this.entries.delete(id));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return loading;
  }
}
