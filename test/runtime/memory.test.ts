import { describe, expect, it } from 'vitest';
import { parseSuperimposeRequest } from '../../src/contract/superimpose.js';
import { estimateRenderBytes } from '../../src/runtime/memory.js';

const params = (extra: Record<string, unknown> = {}) => parseSuperimposeRequest({ base_image: 'aaaa', overlay_image: 'aaaa', ...extra });
const size = (width: number, height: number) => ({ width, height });

describe('estimateRenderBytes', () => {
  it.each([
    {
      name: 'an overlay kept at its size, wholly on the base',
      params: params({ overlay_resize: 'None' }),
      headers: { base: size(100, 50), overlay: size(10, 10), mask: undefined, encodedBytes: 1000 },
      // encoded + base 2 copies + overlay 2 copies + placed overlay 3 copies
      bytes: 1000 + 5000 * 8 + 100 * 8 + 100 * 12,
    },
    {
      name: 'an overlay enlarged past the base counts only what lands on it',
      params: params({ overlay_resize: 'Resize to width & height', width: 1000, height: 1000 }),
      headers: { base: size(100, 50), overlay: size(10, 10), mask: undefined, encodedBytes: 0 },
      bytes: 5000 * 8 + 100 * 8 + 5000 * 12,
    },
    {
      name: 'a rotated overlay counts its turned canvas',
      params: params({ overlay_resize: 'None', rotation: 90 }),
      headers: { base: size(100, 100), overlay: size(20, 10), mask: undefined, encodedBytes: 0 },
      bytes: 10_000 * 8 + 200 * 8 + 200 * 12,
    },
    {
      name: 'a mask adds its grey planes',
      params: params({ overlay_resize: 'None' }),
      headers: { base: size(100, 50), overlay: size(10, 10), mask: size(30, 30), encodedBytes: 0 },
      bytes: 5000 * 8 + 100 * 8 + 900 * 5 + 100 * 13,
    },
    {
      name: 'an unreadable header adds only its encoded bytes',
      params: params(),
      headers: { base: undefined, overlay: size(10, 10), mask: undefined, encodedBytes: 77 },
      bytes: 77 + 100 * 8,
    },
  ])('$name', ({ params: request, headers, bytes }) => {
    expect(estimateRenderBytes(request, headers)).toBe(bytes);
  });

  it('grows with the base as the renders it bounds do', () => {
    const request = params();
    const small = estimateRenderBytes(request, { base: size(1000, 1000), overlay: size(100, 100), mask: undefined, encodedBytes: 0 });
    const large = estimateRenderBytes(request, { base: size(7000, 7000), overlay: size(100, 100), mask: undefined, encodedBytes: 0 });
    expect(large / small).toBeGreaterThan(40);
  });
});
