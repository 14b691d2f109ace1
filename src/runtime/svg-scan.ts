import sax from 'sax';
import type { ErrorCode } from '../contract/errors.js';

/**
 * Reads an SVG's text once with a SAX parser, refusing at the first thing
 * librsvg would load from outside, run, or expand (svg-policy.ts says why), and
 * keeps what the cost bounds need (svg-cost.ts): each element's children,
 * references and layers.
 */

/** Throws the policy's refusal, "Expected an SVG <expected> for <field> but <found>"; `code` is the catalogue's. */
export type Refuse = (code: ErrorCode, expected: string, found: string) => never;

export interface Ref {
  readonly id: string;
  readonly marker: boolean;
}

/** What presentation properties ask of an element. */
export interface Effect {
  readonly layers: number;
  readonly refs: readonly Ref[];
}

interface SvgElement {
  /** The local name, without any namespace prefix. */
  readonly name: string;
  readonly children: number[];
  /** Elements this one draws again: `<use>`, `url(#id)` in attributes or style; a marker once per vertex. */
  readonly refs: Ref[];
  /** Offscreen surfaces librsvg makes to draw it: group opacity, masks, blend modes, isolation. */
  readonly layers: number;
  readonly classes: readonly string[];
  /** Upper bound on the vertices a marker is drawn at: numbers in `d` or `points`. */
  readonly vertices: number;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SvgDocument {
  /** Element 0 is the root. */
  readonly elements: SvgElement[];
  readonly ids: Map<string, number[]>;
  /** The text of every `<style>` element. */
  readonly sheets: string[];
}

export interface ScanLimits {
  readonly maxElements: number;
  readonly maxNesting: number;
}

/** librsvg draws an element's content through an offscreen layer for these (a mask, twice, and a luminance pass). */
const MASK_LAYERS = 4;

const FORBIDDEN_ELEMENTS: Readonly<Record<string, string>> = {
  script: 'scripts',
  foreignobject: 'foreignObject',
  image: 'embedded images (<image>)',
  include: 'XInclude',
  iframe: 'embedded documents',
  video: 'embedded media',
  audio: 'embedded media',
};

/** Encodings in which markup is plain ASCII, so that the parser here reads the same elements as libxml2. */
const ASCII_ENCODINGS = /^(utf-?8|us-ascii|ascii|iso-8859-\d+|latin-?1|windows-125\d)$/i;

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/** Places where an element could start (`<` then an ASCII name character), counted up to `stop`: a quick first count, before the parser counts exactly. */
function elementStarts(text: string, stop: number): number {
  let count = 0;
  for (let at = text.indexOf('<'); at >= 0 && count < stop; at = text.indexOf('<', at + 1)) {
    if (/[A-Za-z_:]/.test(text[at + 1] ?? '')) count++;
  }
  return count;
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/**
 * CSS without its comments, so that nothing hides in one (an unclosed comment
 * runs to the end, as in CSS). A scan, not a regex: linear on any input.
 */
export function stripComments(css: string): string {
  let out = '';
  let at = 0;
  for (let open = css.indexOf('/*'); open >= 0; open = css.indexOf('/*', at)) {
    out += css.slice(at, open);
    const close = css.indexOf('*/', open + 2);
    if (close < 0) return out;
    at = close + 2;
  }
  return out + css.slice(at);
}

/** `url(…)` targets in CSS or an attribute, each required local (`#id`); only a target's start matters, so only that is read. */
function urlTargets(text: string, what: string, refuse: Refuse): string[] {
  const ids: string[] = [];
  for (const match of text.matchAll(/url\(\s*(['"]?)\s*([^'")]{0,256})/gi)) {
    const target = match[2]!.trim();
    if (!target.startsWith('#')) refuse('unsupported_input', `without external references`, `it has url(${target.slice(0, 60)}) in ${what}`);
    ids.push(target.slice(1));
  }
  return ids;
}

/** CSS declarations, comments removed (so that nothing hides in one), as [property, value]. */
export function declarations(css: string): [string, string][] {
  return stripComments(css)
    .split(';')
    .flatMap((part) => {
      const colon = part.indexOf(':');
      return colon < 0 ? [] : [[part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).replace(/!important/i, '').trim()] as [string, string]];
    });
}

/** Refusals for CSS text, inline or a sheet: no escapes (which could spell any name), imports, external urls or filters. */
function checkCss(css: string, what: string, refuse: Refuse): void {
  const text = stripComments(css);
  if (text.includes('\\')) refuse('unsupported_input', `without CSS escapes`, `it has a backslash in ${what}`);
  if (/@import/i.test(text)) refuse('unsupported_input', `without external references`, `it has @import in ${what}`);
  const filter = /(?:^|[\s;{])filter\s*:\s*([^;}]{0,64})/i.exec(text);
  if (filter && filter[1]!.trim().toLowerCase() !== 'none') refuse('unsupported_input', `without filters`, `it has filter: ${filter[1]!.trim().slice(0, 40)} in ${what}`);
  urlTargets(text, what, refuse);
}

/** Layers and references one presentation property (attribute or CSS) asks for. */
export function propertyEffect(property: string, value: string, refuse: Refuse, what: string): Effect {
  const refs = urlTargets(value, what, refuse).map((id) => ({ id, marker: property.startsWith('marker') }));
  let layers = 0;
  if (property === 'opacity') {
    const opacity = value.endsWith('%') ? parseFloat(value) / 100 : parseFloat(value);
    layers = Number.isFinite(opacity) && opacity >= 1 ? 0 : 1;
  } else if (property === 'mix-blend-mode') {
    layers = value.toLowerCase() === 'normal' ? 0 : 1;
  } else if (property === 'isolation') {
    layers = value.toLowerCase() === 'isolate' ? 1 : 0;
  } else if (property === 'mask' && refs.length > 0) {
    layers = MASK_LAYERS;
  }
  return { layers, refs };
}

/** Parses `text` and refuses, at the first it meets, what svg-policy.ts forbids. */
export function scanSvg(text: string, limits: ScanLimits, refuse: Refuse): SvgDocument {
  if (elementStarts(text, limits.maxElements + 1) > limits.maxElements) refuse('too_large', `of at most ${limits.maxElements} elements`, 'it has more');
  const elements: SvgElement[] = [];
  const ids = new Map<string, number[]>();
  const sheets: string[] = [];
  const open: number[] = [];
  let styleText: string | undefined;

  const parser = sax.parser(true, { position: false });
  parser.onerror = (error) => refuse('invalid_image', `that parses as XML`, `it does not: ${error.message.split('\n')[0]}`);
  parser.ondoctype = (doctype) => {
    if (/<!ENTITY/i.test(doctype)) refuse('unsupported_input', 'without XML entity declarations', 'it has <!ENTITY> in its <!DOCTYPE>');
    if (doctype.includes('[')) refuse('unsupported_input', 'without an internal DTD subset', 'its <!DOCTYPE> has one');
  };
  parser.onsgmldeclaration = (declaration) => refuse('unsupported_input', `without markup declarations`, `it has <!${declaration.slice(0, 30)}>`);
  parser.onprocessinginstruction = ({ name, body }) => {
    if (name !== 'xml') refuse('unsupported_input', `without processing instructions`, `it has <?${name}?>`);
    const encoding = /encoding\s*=\s*["']([^"']*)/.exec(body)?.[1];
    if (encoding !== undefined && !ASCII_ENCODINGS.test(encoding)) refuse('unsupported_input', `in UTF-8 or an ASCII-based encoding`, `it declares ${encoding}`);
  };
  const addText = (chunk: string) => {
    if (styleText !== undefined) styleText += chunk;
  };
  parser.ontext = addText;
  parser.oncdata = addText;
  parser.onopentag = (tag) => {
    if (elements.length >= limits.maxElements) refuse('too_large', `of at most ${limits.maxElements} elements`, `it has more`);
    if (open.length >= limits.maxNesting) refuse('too_large', `with elements nested at most ${limits.maxNesting} deep`, `it nests deeper`);
    const name = localName(tag.name);
    const lower = name.toLowerCase();
    if (lower === 'filter' || /^fe[a-z]/.test(lower)) refuse('unsupported_input', `without filters`, `it has <${tag.name}>`);
    const forbidden = FORBIDDEN_ELEMENTS[lower];
    if (forbidden) refuse('unsupported_input', `without ${forbidden}`, `it has <${tag.name}>`);
    const element = readElement(tag.name, name, tag.attributes as Record<string, string>, refuse);
    const index = elements.push(element) - 1;
    elements[open.at(-1) ?? -1]?.children.push(index);
    const id = element.attributes['id'];
    if (id !== undefined) {
      const same = ids.get(id);
      if (same) same.push(index);
      else ids.set(id, [index]);
    }
    open.push(index);
    if (lower === 'style') styleText = '';
  };
  parser.onclosetag = () => {
    const index = open.pop();
    if (styleText !== undefined && index !== undefined && elements[index]!.name.toLowerCase() === 'style') {
      checkCss(styleText, '<style>', refuse);
      sheets.push(styleText);
      styleText = undefined;
    }
  };
  parser.write(text).close();
  const root = elements[0]?.name;
  if (root !== 'svg') refuse('invalid_image', `with <svg> at its root`, `it has ${root === undefined ? 'no element' : `<${root}>`}`);
  return { elements, ids, sheets };
}

/** Presentation properties that can make a layer; any other matters only for the url(…) it holds. */
const LAYER_PROPERTIES = new Set(['opacity', 'mix-blend-mode', 'isolation', 'mask']);

function readElement(tagName: string, name: string, raw: Record<string, string>, refuse: Refuse): SvgElement {
  const attributes: Record<string, string> = {};
  const what = `<${tagName}>`;
  let layers = 0;
  const refs: Ref[] = [];
  // Every attribute as written: two names may share a local name (href, xlink:href).
  for (const written in raw) {
    const value = raw[written]!;
    const key = localName(written).toLowerCase();
    attributes[key] = value;
    // librsvg reads presentation attributes as CSS, where an escape could spell any name.
    if (value.includes('\\')) refuse('unsupported_input', 'without backslashes in attributes', `it has one in ${key} of ${what}`);
    if (key === 'href' || key === 'src') {
      const target = value.trim();
      if (!target.startsWith('#')) refuse('unsupported_input', `without external references`, `it has ${key}="${target.slice(0, 60)}" in ${what}`);
      refs.push({ id: target.slice(1), marker: false });
    } else if (key === 'filter' && value.trim().toLowerCase() !== 'none') {
      refuse('unsupported_input', `without filters`, `it has filter="${value.slice(0, 40)}" in ${what}`);
    } else if (key === 'style') {
      checkCss(value, `the style of ${what}`, refuse);
      for (const [property, css] of declarations(value)) {
        const effect = propertyEffect(property, css, refuse, what);
        layers += effect.layers;
        refs.push(...effect.refs);
      }
    } else if (LAYER_PROPERTIES.has(key) || value.includes('(')) {
      const effect = propertyEffect(key, value, refuse, what);
      layers += effect.layers;
      refs.push(...effect.refs);
    }
  }
  const geometry = name === 'path' ? attributes['d'] : name === 'polyline' || name === 'polygon' ? attributes['points'] : undefined;
  const vertices = Math.max(name === 'line' ? 2 : 1, Math.ceil((geometry?.match(NUMBER)?.length ?? 0) / 2));
  const classes = attributes['class']?.split(/\s+/).filter(Boolean) ?? [];
  return { name, children: [], refs, layers, classes, vertices, attributes };
}
