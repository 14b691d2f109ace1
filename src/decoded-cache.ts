import type { Raster } from './engine/raster.js';

/**
 * Decoded inputs shared across many renders (one t-shirt, many logos): each
 * distinct source string is decoded once. Entries live as long as the cache.
 */
export class DecodedImageCache {
  private readonly entries = new Map<string, Promise<Raster>>();

  get size(): number {
    return this.entries.size;
  }

  /** The decoded image for `key`, decoding it on first use; a failed decode is not kept. */
  get(key: string, decode: () => Promise<Raster>): Promise<Raster> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = decode();
      entry.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    return entry;
  }
}
