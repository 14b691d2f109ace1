/** 8-bit pixels, interleaved, top row first. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA). */
  readonly channels: 3 | 4;
  readonly data: Uint8Array;
}

/** An RGBA raster: the overlay between pipeline steps. */
export interface Rgba extends Raster {
  readonly channels: 4;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

export function rgba(width: number, height: number, data = new Uint8Array(width * height * 4)): Rgba {
  return { width, height, channels: 4, data };
}
