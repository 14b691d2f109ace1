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

export function rgba(width: number, height: number, data: Uint8Array = new Uint8Array(width * height * 4)): Rgba {
  return { width, height, channels: 4, data };
}

/** An RGBA raster of `size`, held in the start of `into` when given, else in a new buffer. */
export function rgbaIn(size: Size, into: Uint8Array | undefined): Rgba {
  return rgba(size.width, size.height, into?.subarray(0, size.width * size.height * 4));
}

/** A rectangle in pixel coordinates. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const wholeOf = (size: Size): Rect => ({ x: 0, y: 0, width: size.width, height: size.height });

/** The rows and columns of `window`, copied out of an RGBA raster (into `into` when given). */
export function cropRgba(image: Rgba, window: Rect, into?: Uint8Array): Rgba {
  if (window.x === 0 && window.y === 0 && window.width === image.width && window.height === image.height) return image;
  const out = rgbaIn(window, into);
  for (let row = 0; row < window.height; row++) {
    const start = ((window.y + row) * image.width + window.x) * 4;
    out.data.set(image.data.subarray(start, start + window.width * 4), row * window.width * 4);
  }
  return out;
}
