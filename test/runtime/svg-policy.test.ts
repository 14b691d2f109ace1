import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SuperimposeError } from '../../src/contract/errors.js';
import { checkSvgInput, isSvg } from '../../src/runtime/svg-input.js';
import { checkSvgPolicy, MAX_SVG_BYTES } from '../../src/runtime/svg-policy.js';
import { svg } from '../helpers/hostile.js';

const big = 'width="7000" height="7000"';
const repeat = (text: string, times: number) => text.repeat(times);

/** Nine <g>, each ten <use> of the one before: 10^9 rects from a few hundred bytes. */
const useLaughs = () => {
  const levels = Array.from({ length: 9 }, (_, i) => `<g id="l${i + 1}">${repeat(`<use href="#l${i}"/>`, 10)}</g>`).join('');
  return svg(`<defs><rect id="l0" width="1" height="1"/>${levels}</defs><use href="#l9"/>`);
};
/** Each level one <use> of the one before: deep, not wide. */
const useChain = (depth: number) => {
  const levels = Array.from({ length: depth }, (_, i) => `<g id="c${i + 1}"><use href="#c${i}"/></g>`).join('');
  return svg(`<defs><rect id="c0" width="1" height="1"/>${levels}</defs><use href="#c${depth}"/>`);
};
const entityLaughs = Buffer.from(
  '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>' +
    '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&c;</text></svg>',
);
const png1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const manyVertices = Array.from({ length: 30_000 }, (_, i) => `${i % 64} ${(i * 7) % 64}`).join(' ');
const blurBomb = svg('<filter id="f"><feGaussianBlur stdDeviation="900"/></filter><rect width="100%" height="100%" filter="url(#f)"/>', big);

const HOSTILE: readonly [string, Buffer, RegExp][] = [
  ['a blur filter on a 7000x7000 canvas', blurBomb, /without filters for overlay_image but it has <filter>/],
  ['feTurbulence', svg('<filter id="t"><feTurbulence baseFrequency=".01" numOctaves="30"/></filter><rect width="100%" height="100%" filter="url(#t)"/>', big), /without filters .* <filter>/],
  ['a filter primitive alone', svg('<feGaussianBlur stdDeviation="9"/>'), /Expected an SVG without filters for overlay_image but it has <feGaussianBlur>/],
  ['a namespaced filter', svg('<svg:filter xmlns:svg="http://www.w3.org/2000/svg" id="f"/>'), /without filters .* <svg:filter>/],
  ['a filter attribute', svg('<rect width="9" height="9" filter="url(#f)"/>'), /without filters .* filter="url\(#f\)"/],
  ['filter in a style attribute', svg('<rect width="9" height="9" style="fill:red; filter: blur(5px)"/>'), /without filters .* filter: blur\(5px\)/],
  ['filter in a stylesheet', svg('<style>rect { filter: drop-shadow(0 0 9px red) }</style><rect width="9" height="9"/>'), /without filters .* <style>/],
  ['a filter spelt with a CSS escape', svg('<style>rect { fil\\74 er: url(#f) }</style>'), /without CSS escapes/],
  ['a CSS escape in a presentation attribute', svg('<rect width="9" height="9" fill="\\75 rl(http://127.0.0.1/p#g)"/>'), /without backslashes in attributes .* fill of <rect>/],
  ['nested <use>: a billion laughs', useLaughs(), /draws at most 50000 elements .* but it draws at least/],
  ['<use> nested 9 deep', useChain(9), /references \(<use>, url\(#…\)\) nested at most 8 deep/],
  ['a <use> cycle', svg('<g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g>'), /without reference cycles .* refers back to itself/],
  ['a <use> of its own ancestor', svg('<g id="a"><rect width="1" height="1"/><use href="#a"/></g>'), /without reference cycles/],
  ['a pattern through a class rule, in itself', svg('<style>.p { fill: url(#p) }</style><pattern id="p" width="9" height="9"><rect class="p" width="9" height="9"/></pattern><rect class="p" width="9" height="9"/>'), /without reference cycles/],
  ['markers at 30000 vertices', svg(`<marker id="m">${repeat('<circle r="1"/>', 5)}</marker><polyline points="${manyVertices}" marker-mid="url(#m)"/>`), /draws at most 50000 elements/],
  ['XML entity expansion', entityLaughs, /without XML entity declarations .* <!ENTITY>/],
  ['an external <use>', svg('<use href="http://127.0.0.1/a.svg#x"/>'), /without external references .* href="http:\/\/127\.0\.0\.1\/a\.svg#x"/],
  ['a file reference', svg('<use xlink:href="file:///etc/passwd"/>'), /without external references .* href="file:\/\/\/etc\/passwd"/],
  ['an external paint server', svg('<rect width="9" height="9" fill="url(http://127.0.0.1/p.svg#g)"/>'), /without external references .* url\(http:/],
  ['@import', svg('<style>@import url(#x);</style>'), /without external references .* @import/],
  ['an external stylesheet', Buffer.from(`<?xml-stylesheet href="http://127.0.0.1/s.css"?>${svg('')}`), /without processing instructions .* <\?xml-stylesheet\?>/],
  ['a data: image', svg(`<image href="data:image/png;base64,${png1x1}" width="9" height="9"/>`), /without embedded images \(<image>\) .* <image>/],
  ['a script', svg('<script>while(1){}</script>'), /without scripts .* <script>/],
  ['foreignObject', svg('<foreignObject width="9" height="9"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'), /without foreignObject .* <foreignObject>/],
  ['XInclude', svg('<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="#x" parse="text"/>'), /without XInclude/],
  ['UTF-7', Buffer.from(`<?xml version="1.0" encoding="UTF-7"?>${svg('+ADw-filter+AD4-')}`), /in UTF-8 or an ASCII-based encoding .* declares UTF-7/],
  ['more than 2 MiB of text', svg(`<!--${'x'.repeat(MAX_SVG_BYTES)}-->`), /of at most 2097152 bytes of text .* it has 2097/],
  ['more than 50000 elements', svg(repeat('<g/>', 50_001)), /of at most 50000 elements .* it has more/],
  ['elements nested 300 deep', svg(`${repeat('<g>', 300)}${repeat('</g>', 300)}`), /nested at most 256 deep/],
  ['SVGZ inflating past 2 MiB', gzipSync(svg(`<!--${' '.repeat(8 * MAX_SVG_BYTES)}-->`)), /of at most 2097152 bytes of text .* inflates to more/],
  ['SVGZ with a filter', gzipSync(blurBomb), /without filters .* <filter>/],
  ['group opacity layers on a 7000x7000 canvas', svg(repeat('<g opacity=".9"><rect width="7000" height="7000"/></g>', 3), big), /composites at most 1000000000 layer pixels .* 3 layers on a 7000x7000 canvas/],
  ['masks by class on a 4000x4000 canvas', svg(`<style>.m { mask: url(#m) }</style><mask id="m"><rect width="9" height="9" fill="#fff"/></mask>${repeat('<rect class="m" width="4000" height="4000"/>', 5)}`, 'width="4000" height="4000"'), /layer pixels .* 20 layers on a 4000x4000 canvas/],
  ['5000 canvas-sized rects on 4000x4000', svg(repeat('<rect width="4000" height="4000"/>', 5000), 'width="4000" height="4000"'), /paints at most 20000000000 pixels .* 5001 elements on a 4000x4000 canvas/],
  ['malformed XML', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>'), /that parses as XML for overlay_image but it does not/],
  ['a root other than <svg>', Buffer.from('<html><svg xmlns="http://www.w3.org/2000/svg"/></html>'), /with <svg> at its root .* <html>/],
];

/** Shapes, gradients, text and symbols as editors write them: all taken. */
const inkscape = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with an editor -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="210mm" height="297mm" viewBox="0 0 210 297">
  <sodipodi:namedview id="base" pagecolor="#ffffff"/>
  <style type="text/css"><![CDATA[ .cls-1 { fill: url(#grad); opacity: 0.5 } .cls-2 { fill: #f00 } ]]></style>
  <defs><linearGradient id="grad"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff"/></linearGradient></defs>
  <g id="layer1"><path class="cls-1" d="M 10,10 L 100,10 100,100 Z"/><circle class="cls-2" cx="50" cy="150" r="40"/></g>
</svg>`;

const BENIGN: readonly [string, Buffer][] = [
  ['shapes', svg('<rect width="9" height="9" fill="red"/><circle cx="30" cy="30" r="9"/><ellipse cx="9" cy="40" rx="5" ry="3"/><line x1="0" y1="0" x2="64" y2="64" stroke="#000"/><polyline points="0,0 9,9 18,0"/><polygon points="0,0 9,9 0,9"/><path d="M0 0 C 10 10, 20 10, 30 0"/>')],
  ['gradients on 3000 elements', svg(`<defs><linearGradient id="l"><stop offset="0"/><stop offset="1" stop-color="#fff"/></linearGradient><radialGradient id="r" href="#l"/></defs>${repeat('<rect width="2" height="2" fill="url(#l)" stroke="url(\'#r\')"/>', 3000)}`)],
  ['text', svg('<text x="4" y="30" font-family="sans-serif" font-size="12">Hello <tspan font-weight="bold">world</tspan> &amp; &#x263A;</text>')],
  ['a local symbol used a few times', svg(`<defs><symbol id="s" viewBox="0 0 9 9"><circle cx="4" cy="4" r="4"/></symbol></defs>${repeat('<use href="#s" width="9" height="9"/>', 5)}<use xlink:href="#s" x="20"/>`)],
  ['arrowheads', svg('<marker id="a" markerWidth="4" markerHeight="4" orient="auto"><path d="M0,0 L4,2 L0,4 z"/></marker><path d="M4 4 L60 4 L60 60" stroke="#000" marker-end="url(#a)" marker-mid="url(#a)"/>')],
  ['a clip path, a mask and group opacity', svg('<clipPath id="c"><circle cx="32" cy="32" r="30"/></clipPath><mask id="m"><rect width="64" height="64" fill="#fff"/></mask><g clip-path="url(#c)" mask="url(#m)" opacity=".5"><rect width="64" height="64"/></g>')],
  ['an editor export: doctype, comments, CDATA, class rules, foreign namespaces', Buffer.from(inkscape)],
  ['a link to its own fragment and filter="none"', svg('<a href="#top"><rect width="9" height="9" filter="none" style="filter:none"/></a>')],
  ['SVGZ', gzipSync(svg('<rect width="9" height="9"/>'))],
  ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), svg('<rect width="9" height="9"/>')])],
  ['an ISO-8859-1 declaration', Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>${svg('<rect width="9" height="9"/>')}`)],
];

const refusal = (bytes: Buffer): { error: unknown; ms: number } => {
  const start = performance.now();
  try {
    checkSvgPolicy(bytes, 'overlay_image');
    return { error: undefined, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
};

describe('checkSvgPolicy', () => {
  it.each(HOSTILE)('refuses %s at once, naming the field and what it found', (_name, bytes, message) => {
    const { error, ms } = refusal(bytes);
    expect(error).toBeInstanceOf(SuperimposeError);
    expect((error as SuperimposeError).field).toBe('overlay_image');
    expect((error as SuperimposeError).message).toMatch(message);
    expect([400, 413]).toContain((error as SuperimposeError).status);
    expect(ms).toBeLessThan(100);
  });

  it.each(BENIGN)('takes %s', async (_name, bytes) => {
    const { error, ms } = refusal(bytes);
    expect(error).toBeUndefined();
    expect(ms).toBeLessThan(100);
    // And librsvg draws it.
    const { width, height } = await sharp(bytes).metadata();
    expect(width! * height!).toBeGreaterThan(0);
  });

  it('leaves an SVG larger than the pixel limit to libvips, which refuses it from its header', () => {
    expect(() => checkSvgPolicy(svg('<rect width="1" height="1"/>', 'width="100000" height="100000"'), 'mask', { maxPixels: 50_000_000 })).not.toThrow();
  });

  it('takes the limits it is given', () => {
    expect(() => checkSvgPolicy(svg(repeat('<g/>', 11)), 'mask', { limits: { maxElements: 10 } })).toThrow(/of at most 10 elements for mask/);
  });
});

describe('isSvg', () => {
  it.each([
    ['an <svg> element', svg('')],
    ['an XML declaration', Buffer.from('\ufeff  <?xml version="1.0"?><svg/>')],
    ['a comment first', Buffer.from('<!-- x --><svg/>')],
    ['a doctype first', Buffer.from('<!DOCTYPE svg><svg/>')],
    ['<svg> after other text, as libvips finds it', Buffer.from('hello <SVG/>')],
    ['SVGZ', gzipSync(svg(''))],
  ])('says yes to %s', (_name, bytes) => {
    expect(isSvg(bytes)).toBe(true);
  });

  it.each([
    ['a PNG', Buffer.from(png1x1, 'base64')],
    ['a JPEG signature', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x3c, 0x73, 0x76, 0x67])],
    ['plain text', Buffer.from('hello world')],
    ['gzip of text', gzipSync(Buffer.from('hello world, this is not an image'))],
  ])('says no to %s', (_name, bytes) => {
    expect(isSvg(bytes)).toBe(false);
  });
});

describe('checkSvgInput', () => {
  it('refuses any SVG when SVG is off, naming the setting', async () => {
    const names = { svgInput: 'SUPERIMPOSE_SVG' };
    await expect(checkSvgInput(svg('<rect width="1" height="1"/>'), 'base_image', { svg: 'off', names })).rejects.toThrow(
      'Expected a jpeg, png, webp, gif, tiff or avif image for base_image but received SVG, which this server does not take (SUPERIMPOSE_SVG is off)',
    );
    await expect(checkSvgInput(gzipSync(svg('')), 'mask', { svg: 'off' })).rejects.toThrow(/received SVG, which this server does not take \(svg is off\)/);
  });

  it('passes other images whatever the setting, and checks SVG when on', async () => {
    await expect(checkSvgInput(Buffer.from(png1x1, 'base64'), 'mask', { svg: 'off' })).resolves.toBeUndefined();
    await expect(checkSvgInput(svg('<rect width="1" height="1"/>'), 'mask', { svg: 'on' })).resolves.toBeUndefined();
    await expect(checkSvgInput(blurBomb, 'mask', { svg: 'on' })).rejects.toThrow(/without filters for mask/);
  });
});
