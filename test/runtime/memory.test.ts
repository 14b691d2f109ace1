import { describe, expect, it } from 'vitest';
import { estimateRenderBytes } from '../../src/runtime/memory.js';

const size = (width: number, height: number, format = 'png') => ({ width, height, format });

describe('estimateRenderBytes', () => {
  it.each([
    {
      name: 'an overlay wholly on the base',
      headers: { base: size(100, 50), overlay: size(10, 10), mask: undefined, encodedBytes: 1000 },
      canvas: size(10, 10),
      // encoded + base 2 copies + overlay 2 copies + placed overlay 3 copies
      bytes: 1000 + 5000 * 8 + 100 * 8 + 100 * 12,
    },
    {
      name: 'an overlay enlarged past the base counts only what can land on it',
      headers: { base: size(100, 50), overlay: size(10, 10), mask: undefined, encodedBytes: 0 },
      canvas: size(1000, 1000),
      bytes: 5000 * 8 + 100 * 8 + 5000 * 12,
    },
    {
      name: 'a mask adds its grey planes',
      headers: { base: size(100, 50), overlay: size(10, 10), mask: size(30, 30), encodedBytes: 0 },
      canvas: size(10, 10),
      bytes: 5000 * 8 + 100 * 8 + 900 * 5 + 100 * 13,
    },
    {
      name: 'an AVIF base adds what its decoder holds',
      headers: { base: size(100, 50, 'heif'), overlay: size(10, 10, 'webp'), mask: undefined, encodedBytes: 0 },
      canvas: size(10, 10),
      bytes: 5000 * 8 + 100 * 8 + 100 * 12 + 5000 * 12 + 100 * 2,
    },
    {
      name: 'an unreadable header adds only its encoded bytes',
      headers: { base: undefined, overlay: size(10, 10), mask: undefined, encodedBytes: 77 },
      canvas: undefined,
      bytes: 77 + 100 * 8,
    },
  ])('$name', ({ headers, canvas, bytes }) => {
    expect(estimateRenderBytes(headers, canvas)).toBe(bytes);
  });

  it('grows with the base as the renders it bounds do', () => {
    const overlay = size(100, 100);
    const small = estimateRenderBytes({ base: size(1000, 1000), overlay, mask: undefined, encodedBytes: 0 }, overlay);
    const large = estimateRenderBytes({ base: size(7000, 7000), overlay, mask: undefined, encodedBytes: 0 }, overlay);
    expect(large / small).toBeGreaterThan(40);
  });
});
