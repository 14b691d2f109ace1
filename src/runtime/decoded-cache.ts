import type { Raster } from '../engine/raster.js';

/** Superimpose's image fields. */
export type ImageField = 'base_image' | 'overlay_image' | 'mask';

/** One image input of one render: its field as refusals name it (`base_image`, `mask`, `layers[1].image`) and where it comes from. */
interface ImageUse {
  readonly field: string;
  readonly source: unknown;
}

/**
 * What a field decodes to, which the key must tell apart: a base as it is
 * (under the base's own limit, and handed out as a copy, since renders paint
 * on it), a displacement map as it is, anything else (overlay, mask, design,
 * clip) with alpha forced.
 */
const kindOf = (field: string): string => (field === 'base_image' ? 'base' : field.endsWith('.displacement.map') ? 'map' : 'rgba');

const keyOf = (field: string, source: string) => `${kindOf(field)}\0${source}`;

interface Entry {
  readonly image: Promise<Raster>;
  /** Planned uses still to come; Infinity without a plan. */
  remaining: number;
}

/**
 * Decoded inputs shared across many renders (one t-shirt, many logos), of
 * superimpose or of mockups. With a plan, an input used once is never kept and
 * every other one is dropped after its last planned use, so memory holds only
 * what is still needed; without a plan, everything decoded stays until the
 * cache is dropped. A cache is for renders with the same options: what it
 * holds was decoded under the limits and file access of the render that first
 * asked.
 */
export class DecodedImageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly planned = new Map<string, number>();

  /** Holds decoded images right now. */
  get size(): number {
    return this.entries.size;
  }

  /** Declares the image sources of the superimpose renders about to run. */
  plan(requests: Iterable<Partial<Record<ImageField, unknown>>>): void {
    for (const request of requests) {
      this.planUses((['base_image', 'overlay_image', 'mask'] as const).map((field) => ({ field, source: request[field] })));
    }
  }

  /** Declares image inputs of the renders about to run, by field: a mockup's are runtime/mockup.ts's mockupImageFields. */
  planUses(uses: Iterable<ImageUse>): void {
    for (const { field, source } of uses) {
      if (typeof source === 'string') this.planned.set(keyOf(field, source), (this.planned.get(keyOf(field, source)) ?? 0) + 1);
    }
  }

  /**
   * The decoded image for a source, decoding it on first use; a failed decode is
   * not kept. A shared base comes as a private copy, because compositing draws
   * on the base in place.
   */
  async get(field: string, source: string, decode: () => Promise<Raster>): Promise<Raster> {
    const key = keyOf(field, source);
    const uses = this.planned.size > 0 ? (this.planned.get(key) ?? 1) : Infinity;
    if (uses <= 1) return decode();
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { image: decode(), remaining: uses };
      entry.image.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
    }
    if (--entry.remaining <= 0) this.entries.delete(key);
    const image = await entry.image;
    return field === 'base_image' ? { ...image, data: new Uint8Array(image.data) } : image;
  }
}
