import type { Quad } from './geometry.js';

/**
 * Whether a quad is strictly convex, corners going round either way: the cross
 * products of consecutive edges all have one non-zero sign. A zero means three
 * corners on one line (or two equal); mixed signs, a dent or a bow-tie. Four
 * turns of one sense, each under half a turn, add up to exactly one full turn,
 * so the quad is also simple. Non-finite products (NaN) fail both comparisons.
 */
export function isStrictlyConvex(quad: Quad): boolean {
  // Any finite corners are allowed: huge ones are scaled by a power of two, which is exact, so products cannot overflow.
  const largest = Math.max(...quad.flat().map(Math.abs));
  const scale = largest > 2 ** 500 ? 2 ** -600 : 1;
  const at = (i: number): readonly [number, number] => {
    const [x, y] = quad[i % 4]!;
    return [x * scale, y * scale];
  };
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < 4; i++) {
    const [ax, ay] = at(i);
    const [bx, by] = at(i + 1);
    const [cx, cy] = at(i + 2);
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (cross > 0) positive++;
    else if (cross < 0) negative++;
  }
  return positive === 4 || negative === 4;
}
