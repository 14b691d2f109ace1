import type { Point, Quad } from './config.js';

/** The corners in request order. */
export const CORNER_NAMES = ['top-left', 'top-right', 'bottom-right', 'bottom-left'] as const;

/** A new layer's quad: a centred rectangle of the design's proportions, about 40% of the photo. */
export function startingQuad(photo: { width: number; height: number }, design: { width: number; height: number } | undefined): Quad {
  const aspect = design && design.width > 0 && design.height > 0 ? design.width / design.height : 1;
  const side = Math.min(photo.width, photo.height) * 0.4;
  const width = aspect >= 1 ? side : side * aspect;
  const height = aspect >= 1 ? side / aspect : side;
  const x = Math.round((photo.width - width) / 2);
  const y = Math.round((photo.height - height) / 2);
  const [w, h] = [Math.round(width), Math.round(height)];
  return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
}

/** Rounds to 1/100 px: what a drag gives is noise below that, and requests stay readable. */
const coordinate = (value: number): number => Math.round(value * 100) / 100;

/** The quad with one corner moved to `to` (to 1/100 px), kept on the photo; the other corners as they were, to the last bit. */
export function moveCorner(quad: Quad, corner: number, to: Point, photo: { width: number; height: number }): Quad {
  const clamped: Point = [coordinate(Math.min(Math.max(to[0], 0), photo.width)), coordinate(Math.min(Math.max(to[1], 0), photo.height))];
  return quad.map((point, i) => (i === corner ? clamped : point)) as unknown as Quad;
}

/** How far an arrow key moves a corner: 1 px, 10 with Shift. */
export function arrowStep(key: string, shift: boolean): Point | undefined {
  const step = shift ? 10 : 1;
  const steps: Record<string, Point> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  return steps[key];
}

/** "x 120, y 80": a corner as a screen reader reads it. */
export const describePoint = ([x, y]: Point): string => `x ${formatNumber(x)}, y ${formatNumber(y)}`;

export const formatNumber = (value: number): string => String(Math.round(value * 100) / 100);
