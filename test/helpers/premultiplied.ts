/**
 * The reference resamples premultiplied float32 RGBA: colour c/255 · a/255 and
 * alpha a/255, then divides colour by alpha and converts back with trunc(255·v).
 * These tables give the scalar oracles (the *-reference.ts beside this file)
 * those exact numbers; the engine's kernels compute them in wasm/kernels.c.
 */

/** float32(c / 255): the reference's `uint8 / 255.0`. */
export const UNIT = Float32Array.from({ length: 256 }, (_, c) => c / 255);

/** float32(UNIT[c] · UNIT[a]) at index a·256 + c: every premultiplied colour value. */
export const PREMULTIPLIED = (() => {
  const table = new Float32Array(256 * 256);
  for (let a = 0; a < 256; a++) for (let c = 0; c < 256; c++) table[(a << 8) | c] = UNIT[c]! * UNIT[a]!;
  return table;
})();

/** trunc(float32(255 · v)), clipped to 0–255. */
export function toByte(v: number): number {
  const scaled = Math.fround(255 * v);
  // `| 0` truncates like Math.trunc for 0 < scaled < 255.
  return scaled >= 255 ? 255 : scaled <= 0 ? 0 : scaled | 0;
}

/** The byte a single source pixel comes back as after the premultiplied round trip, at index a·256 + c. */
export const ROUND_TRIP = (() => {
  const table = new Uint8Array(256 * 256);
  for (let a = 1; a < 256; a++) for (let c = 0; c < 256; c++) table[(a << 8) | c] = toByte(Math.fround(PREMULTIPLIED[(a << 8) | c]! / UNIT[a]!));
  return table;
})();
