/**
 * CMYK as the reference reads it. Pillow opens a CMYK JPEG or TIFF in mode
 * CMYK (a JPEG's inks inverted, as Adobe writes them, whether or not the file
 * has Adobe's APP14 marker) and converts to RGB with its naive formula,
 * never with an ICC profile. libvips gives the same inks (it too inverts every
 * CMYK JPEG), so the engine takes them raw and applies the formula here;
 * sharp would otherwise convert them through a CMYK profile.
 */

/** JPEG frame markers (SOF0–SOF15 less DHT, JPG and DAC), whose header gives the component count. */
const isFrameMarker = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Markers that stand alone, without a length: TEM, RST0–7, SOI. */
const hasNoLength = (marker: number): boolean => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

/**
 * The number of components in a JPEG's frame header (4 for CMYK or YCCK, which
 * libjpeg hands out as CMYK), or undefined for anything that is not a JPEG with
 * a readable frame header before its first scan. Walks the markers as libjpeg
 * does: bytes between segments are skipped up to the next 0xFF, fill bytes too.
 */
export function jpegComponents(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  for (;;) {
    while (at < bytes.length && bytes[at] !== 0xff) at++;
    while (at < bytes.length && bytes[at] === 0xff) at++;
    const marker = bytes[at];
    if (marker === undefined || marker === 0xda || marker === 0xd9) return undefined;
    at++;
    if (marker === 0x00 || hasNoLength(marker)) continue;
    if (at + 2 > bytes.length) return undefined;
    const length = (bytes[at]! << 8) | bytes[at + 1]!;
    if (isFrameMarker(marker)) return length >= 8 ? bytes[at + 7] : undefined;
    at += length;
  }
}

/** Classic and Big TIFF, either byte order: libvips may load these as CMYK. */
export function isTiff(bytes: Uint8Array): boolean {
  const [a, b, c, d] = bytes;
  return (a === 0x49 && b === 0x49 && (c === 42 || c === 43) && d === 0) || (a === 0x4d && b === 0x4d && c === 0 && (d === 42 || d === 43));
}

/** The high byte of each 16-bit sample, as Pillow reads 16-bit CMYK TIFF (rawmode CMYK;16L). */
export function highBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! >> 8;
  return out;
}

/**
 * Pillow's cmyk2rgb (libImaging/Convert.c): with nk = 255 − K, each of R, G, B
 * is nk − MULDIV255(ink, nk), MULDIV255(a, b) being ((t >> 8) + t) >> 8 with
 * t = a·b + 128; that is round((255 − ink)·(255 − K)/255), and never clips.
 * `bands` is 4, or 5 when libvips gives an alpha band after K (Pillow opens no
 * such file), which is kept when `channels` is 4; otherwise the alpha is 255.
 */
export function cmykToRgb(cmyk: Uint8Array, bands: 4 | 5, channels: 3 | 4): Uint8Array {
  const pixels = cmyk.length / bands;
  const out = new Uint8Array(pixels * channels);
  for (let i = 0, from = 0, to = 0; i < pixels; i++, from += bands, to += channels) {
    const nk = 255 - cmyk[from + 3]!;
    for (let c = 0; c < 3; c++) {
      const t = cmyk[from + c]! * nk + 128;
      out[to + c] = nk - (((t >> 8) + t) >> 8);
    }
    if (channels === 4) out[to + 3] = bands === 5 ? cmyk[from + 4]! : 255;
  }
  return out;
}
