import sharp from 'sharp';

/**
 * CMYK files with known inks, for the decode tests. An uncompressed TIFF holds
 * the inks as given; libvips writes it on as a CMYK JPEG (inverted, with the
 * Adobe marker, as Pillow and Photoshop write them), whose flat 8x8 blocks
 * survive quality 100 without subsampling exactly.
 */

/** Inks and the RGB Pillow 9.4's Image.convert("RGB") gives for them. */
export const PILLOW_CMYK: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[0, 0, 0, 0], [255, 255, 255]],
  [[255, 255, 255, 255], [0, 0, 0]],
  [[255, 0, 0, 0], [0, 255, 255]],
  [[0, 255, 0, 0], [255, 0, 255]],
  [[0, 0, 255, 0], [255, 255, 0]],
  [[0, 0, 0, 255], [0, 0, 0]],
  [[0, 0, 0, 128], [127, 127, 127]],
  [[128, 128, 128, 0], [127, 127, 127]],
  [[121, 131, 193, 243], [6, 6, 3]],
  [[10, 200, 30, 100], [149, 33, 137]],
  [[1, 254, 127, 1], [253, 1, 127]],
  [[200, 50, 0, 60], [42, 157, 195]],
];

interface TiffOptions {
  /** Big-endian ("MM") instead of little-endian ("II"). */
  readonly bigEndian?: boolean;
  /** A fifth band after K, marked as unassociated alpha. */
  readonly alpha?: boolean;
}

/** An uncompressed, single-strip CMYK TIFF of 8- or 16-bit samples, interleaved. */
export function cmykTiff(width: number, height: number, samples: Uint8Array | Uint16Array, options: TiffOptions = {}): Buffer {
  const bands = options.alpha ? 5 : 4;
  const bits = samples instanceof Uint16Array ? 16 : 8;
  const little = !options.bigEndian;
  // tag, type (3 short, 4 long), value; BitsPerSample and StripOffsets point at data after the IFD.
  const entries: [number, 3 | 4, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 0],
    [259, 3, 1], // no compression
    [262, 3, 5], // separated (CMYK)
    [273, 4, 0],
    [277, 3, bands],
    [278, 4, height],
    [279, 4, samples.length * (bits / 8)],
    [284, 3, 1], // interleaved
    ...(options.alpha ? [[338, 3, 2] as [number, 3, number]] : []),
  ];
  const bitsAt = 8 + 2 + entries.length * 12 + 4;
  const stripAt = bitsAt + bands * 2;
  const out = Buffer.alloc(stripAt + samples.length * (bits / 8));
  const u16 = (value: number, at: number) => (little ? out.writeUInt16LE(value, at) : out.writeUInt16BE(value, at));
  const u32 = (value: number, at: number) => (little ? out.writeUInt32LE(value, at) : out.writeUInt32BE(value, at));
  out.write(little ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    u16(tag, at);
    u16(type, at + 2);
    u32(tag === 258 ? bands : 1, at + 4);
    if (tag === 258) u32(bitsAt, at + 8);
    else if (tag === 273) u32(stripAt, at + 8);
    else if (type === 3) u16(value, at + 8);
    else u32(value, at + 8);
  });
  for (let band = 0; band < bands; band++) u16(bits, bitsAt + band * 2);
  samples.forEach((value, i) => (bits === 16 ? u16(value, stripAt + i * 2) : out.writeUInt8(value, stripAt + i)));
  return out;
}

/** A one-row image of 8x8 blocks, one block per ink [c, m, y, k], as interleaved samples. */
export function inkBlocks(inks: readonly (readonly number[])[]): { width: number; height: number; samples: Uint8Array } {
  const width = 8 * inks.length;
  const samples = new Uint8Array(width * 8 * 4);
  for (let y = 0; y < 8; y++) for (let x = 0; x < width; x++) samples.set(inks[x >> 3]!, (y * width + x) * 4);
  return { width, height: 8, samples };
}

/** The CMYK JPEG libvips writes from a CMYK TIFF: inverted inks with the Adobe APP14 marker. */
export function cmykJpeg(tiff: Buffer, options: { progressive?: boolean } = {}): Promise<Buffer> {
  return sharp(tiff)
    .pipelineColourspace('cmyk')
    .toColourspace('cmyk')
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4', progressive: options.progressive ?? false })
    .toBuffer();
}

/** A JPEG's marker segments before the scan, as [marker, whole segment], and the rest from the scan on. */
function jpegSegments(jpeg: Buffer): { segments: [number, Buffer][]; scan: Buffer } {
  const segments: [number, Buffer][] = [];
  let at = 2;
  while (jpeg[at + 1] !== 0xda) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    segments.push([jpeg[at + 1]!, jpeg.subarray(at, end)]);
    at = end;
  }
  return { segments, scan: jpeg.subarray(at) };
}

/** A marker segment: 0xFF, marker, length, payload. */
export function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** An ICC profile as APP2 segments ("ICC_PROFILE", sequence number, count), split to fit their 64 KB. */
export function iccSegments(profile: Buffer): Buffer[] {
  const chunk = 65535 - 2 - 14;
  const count = Math.ceil(profile.length / chunk);
  return Array.from({ length: count }, (_, i) =>
    segment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([i + 1, count]), profile.subarray(i * chunk, (i + 1) * chunk)])),
  );
}

/** The JPEG with its segments filtered and others put first, after SOI. */
export function rewriteJpeg(jpeg: Buffer, keep: (marker: number) => boolean, prepend: Buffer[] = []): Buffer {
  const { segments, scan } = jpegSegments(jpeg);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), ...prepend, ...segments.filter(([marker]) => keep(marker)).map(([, bytes]) => bytes), scan]);
}
