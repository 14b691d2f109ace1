import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { html, htmlReport, type VerifiedCase } from '../../src/golden/report.js';
import { loadGoldenCases, verifyGoldenCase } from '../../src/golden/suite.js';
import { editCase, goldenFolderWith, shiftedCopy } from '../cli/images.js';

const AWKWARD = `a<b&"c'`;

/**
 * Verdicts as golden verify has them, from a folder of five cases: same
 * passes exactly, loose passes within its tolerance, one-pixel and a<b&"c'
 * differ by one level in one pixel, and smaller's expectation is 10 pixels
 * narrower than its render. Each is given a time of its own.
 */
async function verified(): Promise<{ cases: VerifiedCase[]; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'superimpose-report-'));
  await goldenFolderWith(dir, ['rotate-90', 'rotate-180']);
  const casePath = (name: string) => join(dir, 'cases', `${name}.json`);
  const expected = (name: string) => join(dir, 'expected', `${name}.png`);
  const copy = async (from: string, to: string) => {
    await copyFile(casePath(from), casePath(to));
    await copyFile(expected(from), expected(to));
  };
  await shiftedCopy(expected('rotate-90'), expected('rotate-90'), 1, 1);
  await copy('rotate-180', 'same');
  await copy('rotate-90', 'loose');
  await editCase(dir, 'loose', { tolerance: { maxDiffPixels: 1 } });
  await copy('rotate-90', 'one-pixel');
  await copy('rotate-90', AWKWARD);
  await copy('rotate-180', 'smaller');
  const { width, height } = await sharp(expected('rotate-180')).metadata();
  await sharp(expected('rotate-180')).resize(width - 10, height, { fit: 'fill' }).png().toFile(expected('smaller'));
  const seconds: Record<string, number> = { same: 0.125, loose: 0.25, 'one-pixel': 0.5, [AWKWARD]: 0.0625, smaller: 0.0625 };
  const order = ['same', 'loose', 'one-pixel', AWKWARD, 'smaller'];
  const all = await loadGoldenCases(dir);
  const cases = await Promise.all(
    order.map(async (name) => {
      const verdict = await verifyGoldenCase(dir, all.find((c) => c.name === name)!);
      return { verdict, seconds: seconds[name]!, ...(verdict.pass ? {} : { expected: await readFile(expected(name)) }) };
    }),
  );
  return { cases, dir };
}

const folder = verified();
const report = async () => htmlReport((await folder).cases);

/** The section of one failing case, by its name as the page writes it. */
function sectionOf(page: string, escapedName: string): string {
  const section = page.split('<section ').find((part) => part.includes(`<h2>${escapedName}</h2>`));
  if (!section) throw new Error(`no section for ${escapedName}`);
  return section.slice(0, section.indexOf('</section>'));
}

const dataImages = (text: string): string[] => [...text.matchAll(/<img [^>]*src="(data:image\/png;base64,[^"]*)"/g)].map((m) => m[1]!);

describe('htmlReport', () => {
  it('refers to nothing outside the page: every src a data: image, every href a fragment, no url(), no scheme', async () => {
    const page = await report();
    const sources = [...page.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const hrefs = [...page.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href).toMatch(/^#[\w-]+$/);
    // Base64 may hold "//"; everything else may not.
    const rest = page.replace(/data:image\/png;base64,[A-Za-z0-9+/]+=*/g, 'DATA');
    expect(rest).not.toMatch(/https?:|\/\/|url\(|<link|@import|srcset/i);
    for (const id of [...rest.matchAll(/data-same-as="([^"]*)"/g)].map((m) => m[1]!)) expect(rest).toContain(`id="${id}"`);
  });

  it('opens with the counts and the total time', async () => {
    const page = await report();
    expect(page).toContain('<title>Golden report: 2 passed, 3 failed</title>');
    expect(page).toMatch(/<p class="summary"><span class="pass">2 passed<\/span>, <span class="fail">3 failed<\/span>, 5 cases in 1\.000 s<\/p>/);
    expect(page.indexOf('class="summary"')).toBeLessThan(page.indexOf('<table>'));
  });

  it('names every case in a row of figures: diff pixels, max error, mean error, tolerance, time; both sizes for a mismatch', async () => {
    const page = await report();
    const rows = [...page.matchAll(/<tr class="(pass|fail)"><th scope="row">(.*?)<\/th>(.*?)<\/tr>/g)].map((m) => [m[1], m[2]!.replace(/<[^>]*>/g, ''), m[3]!.replace(/<[^>]*>/g, '|')]);
    // One level of one channel of one pixel of 400x267, over all four channels.
    const mean = (1 / (400 * 267 * 4)).toExponential(2);
    expect(rows).toEqual([
      ['pass', 'same', '|ok (exact)||0||0||0||exact||0.125 s|'],
      ['pass', 'loose', `|ok||1||1||${mean}||at most 1 pixels||0.250 s|`],
      ['fail', 'one-pixel', `|FAIL||1||1||${mean}||exact||0.500 s|`],
      ['fail', html(AWKWARD), `|FAIL||1||1||${mean}||exact||0.063 s|`],
      ['fail', 'smaller', '|FAIL||actual 400×267, expected 390×267||exact||0.063 s|'],
    ]);
  });

  it('shows a failing case with expected, actual and diff, and a slider over expected and actual', async () => {
    const { cases, dir } = await folder;
    const section = sectionOf(await report(), 'one-pixel');
    const images = dataImages(section);
    expect(images).toHaveLength(3);
    expect(images[0]).toBe(`data:image/png;base64,${(await readFile(join(dir, 'expected/one-pixel.png'))).toString('base64')}`);
    expect(images[1]).toBe(`data:image/png;base64,${cases[2]!.verdict.actual.toString('base64')}`);
    expect(section).toMatch(/<figcaption>Expected<\/figcaption>[\s\S]*<figcaption>Actual<\/figcaption>[\s\S]*<figcaption>Diff/);
    expect(section).toContain('1 of 106800 pixels differ');
    expect(section).toMatch(/<label>[^<]*<input type="range" min="0" max="100" step="1" value="50" aria-label="[^"]+"><\/label>/);
    expect([...section.matchAll(/data-same-as="([^"]*)"/g)].map((m) => m[1])).toEqual(['case-2-expected', 'case-2-actual']);
  });

  it('shows a size mismatch with both sizes and both images, with neither diff nor slider', async () => {
    const section = sectionOf(await report(), 'smaller');
    expect(section).toContain('size 400x267 where 390x267 was expected');
    expect(dataImages(section)).toHaveLength(2);
    expect(section).not.toContain('type="range"');
  });

  it('counts a case that could not be verified as failed, with its error, escaped', async () => {
    const page = htmlReport([...(await folder).cases, { name: 'broken', error: 'Could not read inputs/<missing>.png', seconds: 0.01 }]);
    expect(page).toContain('2 passed, 4 failed');
    expect(page).toMatch(/<tr class="fail"><th scope="row"><a href="#case-5">broken<\/a><\/th><td>ERROR<\/td>/);
    expect(sectionOf(page, 'broken')).toContain('<p>Could not be verified: Could not read inputs/&lt;missing&gt;.png</p>');
  });

  it('lists passing cases without images', async () => {
    const page = htmlReport((await folder).cases.filter((c) => c.verdict.pass));
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<section');
    expect(page).toContain('2 passed, 0 failed');
  });

  it('escapes a case name wherever it is written', async () => {
    const page = await report();
    expect(page).not.toContain(AWKWARD);
    expect(page).not.toContain('a<b');
    expect(page).toContain('<h2>a&lt;b&amp;&quot;c&#39;</h2>');
    expect(sectionOf(page, html(AWKWARD))).toContain('alt="expected image of a&lt;b&amp;&quot;c&#39;"');
    expect(html('x\u0000y\u001Fz\n')).toBe('x\uFFFDy\uFFFDz\n');
  });
});
