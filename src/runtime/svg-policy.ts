import { gunzipSync } from 'node:zlib';
import { SuperimposeError, type ErrorCode } from '../contract/errors.js';
import { DEFAULT_PIXEL_LIMITS } from './limits.js';
import { checkSvgCost, type CostLimits } from './svg-cost.js';
import { isGzip } from './svg-input.js';
import { scanSvg, type Refuse, type ScanLimits, type SvgDocument } from './svg-scan.js';

/**
 * Which SVGs a render takes. libvips hands SVG to librsvg, which can be held
 * for minutes by a few hundred bytes (a filter on a large canvas, <use>
 * copies of copies, layers made again per tile) and which libvips' timeout
 * cannot stop mid-tile; and an SVG can name files and URLs. The reference
 * (Pillow) reads no SVG at all, so the server takes none unless switched on,
 * and then only what passes here: no filters, nothing from outside, no
 * entities, and bounded size, copies and painting.
 */

/** Bytes of SVG text, after inflating SVGZ. */
export const MAX_SVG_BYTES = 2 * 1024 * 1024;
/** Elements as written. */
const MAX_SVG_ELEMENTS = 50_000;
/** Elements drawn once <use> and url(#…) references are followed: copies can draw no more than a document could hold. */
const MAX_SVG_DRAWN_ELEMENTS = 50_000;
/** References (<use> of a <use>, a pattern in a pattern) nested deeper than this are refused. */
const MAX_SVG_REFERENCE_DEPTH = 8;
/** Elements inside elements: librsvg and the cost walk recurse this deep. */
const MAX_SVG_NESTING = 256;
/** Elements drawn × canvas pixels: what painting every element over the whole canvas would touch. */
const MAX_SVG_PAINTED_PIXELS = 2e10;
/** Layers × canvas pixels × libvips' tiles: each layer is a canvas-sized surface, made again per tile. */
const MAX_SVG_LAYER_PIXELS = 1e9;

interface SvgLimits extends ScanLimits, CostLimits {
  readonly maxBytes: number;
}

const DEFAULT_SVG_LIMITS: SvgLimits = {
  maxBytes: MAX_SVG_BYTES,
  maxElements: MAX_SVG_ELEMENTS,
  maxDrawnElements: MAX_SVG_DRAWN_ELEMENTS,
  maxReferenceDepth: MAX_SVG_REFERENCE_DEPTH,
  maxNesting: MAX_SVG_NESTING,
  maxPaintedPixels: MAX_SVG_PAINTED_PIXELS,
  maxLayerPixels: MAX_SVG_LAYER_PIXELS,
};

export interface SvgPolicyOptions {
  readonly limits?: Partial<SvgLimits> | undefined;
  /** The decoder's pixel limit for this field: the canvas of an SVG that declares no size, and the size past which libvips refuses it from its header. */
  readonly maxPixels?: number | undefined;
}

/** The SVG's text: SVGZ inflated within the bound, UTF-8 (libxml2 and this parser then read the same markup). */
function svgText(bytes: Buffer, maxBytes: number, refuse: Refuse): string {
  let text = bytes;
  if (isGzip(bytes)) {
    try {
      text = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (cause) {
      if (cause instanceof RangeError) refuse('too_large', `of at most ${maxBytes} bytes of text`, 'it inflates to more');
      refuse('invalid_image', 'that inflates (SVGZ)', `it does not: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  if (text.length > maxBytes) refuse('too_large', `of at most ${maxBytes} bytes of text`, `it has ${text.length}`);
  if ((text[0] === 0xfe && text[1] === 0xff) || (text[0] === 0xff && text[1] === 0xfe)) refuse('unsupported_input', 'in UTF-8', 'it is UTF-16');
  if (text.includes(0)) refuse('invalid_image', 'of text', 'it has a NUL byte');
  return text.toString('utf8').replace(/^\ufeff/, '');
}

/** What the parser must have refused already: a second look at the raw text, in case it read the markup otherwise. */
const BELT: readonly [RegExp, string][] = [
  [/<!ENTITY/i, 'without XML entity declarations'],
  [/<\s*(?:[\w.-]{1,64}:)?(?:filter|fe[A-Z][a-zA-Z]*)[\s/>]/, 'without filters'],
  [/<\s*(?:[\w.-]{1,64}:)?(?:script|foreignObject|image|iframe)[\s/>]/i, 'without scripts, foreignObject or embedded images'],
  [/@import|<\?xml-stylesheet/i, 'without external references'],
];

/** Lengths librsvg reads at libvips' 72 dpi, in pixels (an em as librsvg's default 16 px). */
const UNITS: Readonly<Record<string, number>> = { '': 1, px: 1, pt: 1, pc: 12, in: 72, cm: 72 / 2.54, mm: 72 / 25.4, em: 16, ex: 8 };

function length(value: string | undefined): number | undefined {
  if (value === undefined || value.length > 64) return undefined;
  const match = /^\s*\+?((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = UNITS[match?.[2]?.toLowerCase() ?? 'none'];
  return match && unit !== undefined ? Number(match[1]) * unit : undefined;
}

/** The canvas libvips renders: width and height, else scaled by the viewBox, else the viewBox; undefined when none says. */
function declaredSize(document: SvgDocument): { width: number; height: number } | undefined {
  const root = document.elements[0]!.attributes;
  let width = length(root['width']);
  let height = length(root['height']);
  const box = (root['viewbox'] ?? '').trim().split(/[\s,]+/).map(Number);
  const [boxWidth, boxHeight] = box.length === 4 && box.every(Number.isFinite) && box[2]! > 0 && box[3]! > 0 ? [box[2]!, box[3]!] : [];
  if (boxWidth !== undefined && boxHeight !== undefined) {
    width ??= height === undefined ? boxWidth : (height * boxWidth) / boxHeight;
    height ??= (width * boxHeight) / boxWidth;
  }
  return width !== undefined && height !== undefined ? { width: Math.ceil(width), height: Math.ceil(height) } : undefined;
}

/**
 * Refuses an SVG that could hold the server or reach outside it, with a
 * SuperimposeError naming `field` and what was found. It reads the text once,
 * in time linear in its length (no regex here can backtrack far).
 */
export function checkSvgPolicy(bytes: Buffer, field: string, options: SvgPolicyOptions = {}): void {
  const limits = { ...DEFAULT_SVG_LIMITS, ...options.limits };
  const refuse: Refuse = (code: ErrorCode, expected: string, found: string) => {
    throw new SuperimposeError(code, `Expected an SVG ${expected} for ${field} but ${found}`, { field });
  };
  const text = svgText(bytes, limits.maxBytes, refuse);
  const document = scanSvg(text, limits, refuse);
  for (const [pattern, expected] of BELT) {
    const found = pattern.exec(text);
    if (found) refuse('unsupported_input', expected, `it has ${found[0].trim()}`);
  }
  const maxPixels = options.maxPixels ?? DEFAULT_PIXEL_LIMITS.maxInputPixels;
  const declared = declaredSize(document);
  // Larger, libvips refuses it from its header, naming the pixel limit.
  if (declared && declared.width * declared.height > maxPixels) return;
  const side = Math.ceil(Math.sqrt(maxPixels));
  checkSvgCost(document, declared ?? { width: side, height: side }, limits, refuse);
}
