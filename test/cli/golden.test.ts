import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sax from 'sax';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { editCase, goldenFolderWith, shiftedCopy } from './images.js';
import { run, tmp } from './run.js';

/** A two-case golden folder, copied from the project's own. */
async function folder(): Promise<string> {
  const dir = await tmp();
  await goldenFolderWith(dir, ['rotate-90', 'rotate-180']);
  return dir;
}

describe('superimpose golden verify is exact by default', () => {
  it('fails a case whose expectation changed by one level in one pixel, naming it', async () => {
    const dir = await folder();
    const expected = join(dir, 'expected/rotate-90.png');
    await shiftedCopy(expected, expected, 1, 1);
    const result = await run(['golden', 'verify', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL rotate-90: 1 of 106800 pixels differ \(0\.001%\), max channel difference 1, mean 0\.0000 \(allowed: exact\); wrote .*rotate-90\.actual\.png, .*rotate-90\.diff\.png$/m);
    expect(result.stdout).toMatch(/^ok {3}rotate-180 \(exact\)$/m);
    expect(result.stdout).toMatch(/1 passed, 1 failed \(1 exact\)/);
  });

  it.each([
    [{ threshold: 0.1 }, /^ok {3}rotate-90: 0 of 106800 pixels differ beyond threshold 0\.1 \(0\.000%\); 1 differs at all/m],
    [{ maxDiffPixels: 1 }, /^ok {3}rotate-90: 1 of 106800 pixels differ/m],
    [{ maxMeanError: 0.001 }, /^ok {3}rotate-90: 1 of 106800 pixels differ/m],
  ])('passes it when the case file carries "tolerance": %j', async (tolerance, line) => {
    const dir = await folder();
    const expected = join(dir, 'expected/rotate-90.png');
    await shiftedCopy(expected, expected, 1, 1);
    await editCase(dir, 'rotate-90', { tolerance });
    const result = await run(['golden', 'verify', dir]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(line);
    expect(result.stdout).toMatch(/2 passed, 0 failed \(1 exact\)/);
  });
});

describe('superimpose golden on a folder that cannot be verified as it is', () => {
  it.each([
    {
      problem: 'no expectations at all',
      spoil: (dir: string) => rm(join(dir, 'expected'), { recursive: true }),
      message: /^superimpose: No expectation (.*)\/expected\/rotate-180\.png \(and 1 more\): render and review them, then create them with superimpose golden update \1\n$/,
    },
    {
      problem: 'one expectation missing',
      spoil: (dir: string) => rm(join(dir, 'expected/rotate-90.png')),
      message: /^superimpose: No expectation (.*)\/expected\/rotate-90\.png: render and review them, then create them with superimpose golden update \1 rotate-90\n$/,
    },
    {
      problem: 'a case file that is not JSON',
      spoil: (dir: string) => writeFile(join(dir, 'cases/rotate-90.json'), '{"base": "inputs/concert.jpg",'),
      message: /^superimpose: .*\/cases\/rotate-90\.json is not valid JSON \(.*\): a case file holds \{"base": .*\}\n$/,
    },
    {
      problem: 'a case without its images',
      spoil: (dir: string) => writeFile(join(dir, 'cases/rotate-90.json'), '{"params": {}}'),
      message: /^superimpose: .*\/cases\/rotate-90\.json needs "base" and "overlay"/,
    },
    {
      problem: 'a bad tolerance',
      spoil: (dir: string) => editCase(dir, 'rotate-90', { tolerance: { threshold: 5 } }),
      message: /^superimpose: .*\/cases\/rotate-90\.json: Expected number between 0 and 1 for "tolerance\.threshold" but received 5\n$/,
    },
    {
      problem: 'no case files',
      spoil: async (dir: string) => {
        await rm(join(dir, 'cases'), { recursive: true });
        await mkdir(join(dir, 'cases'));
      },
      message: /^superimpose: .*\/cases holds no case files: add cases\/NAME\.json as .*, then create the expectations with superimpose golden update /,
    },
  ])('$problem: one line naming the file and what to do (exit 2)', async ({ spoil, message }) => {
    const dir = await folder();
    await spoil(dir);
    const result = await run(['golden', 'verify', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('creates missing expectations with the command the message gives, after which verify passes', async () => {
    const dir = await folder();
    await rm(join(dir, 'expected'), { recursive: true });
    expect(await run(['golden', 'update', dir], { env: { CI: '' } })).toMatchObject({ code: 0, stdout: 'updated rotate-180\nupdated rotate-90\n' });
    expect((await run(['golden', 'verify', dir])).stdout).toMatch(/2 passed, 0 failed \(2 exact\)/);
  });
});

/**
 * A folder of four cases: rotate-180 passes, rotate-90 and a<b&"c' (a copy of
 * it, for escaping) differ by one level in one pixel, and smaller's
 * expectation is 10 pixels narrower than its render.
 */
const AWKWARD = `a<b&"c'`;
async function mixedFolder(): Promise<string> {
  const dir = await folder();
  const expected = (name: string) => join(dir, 'expected', `${name}.png`);
  await shiftedCopy(expected('rotate-90'), expected('rotate-90'), 1, 1);
  await copyFile(join(dir, 'cases/rotate-90.json'), join(dir, 'cases', `${AWKWARD}.json`));
  await copyFile(expected('rotate-90'), expected(AWKWARD));
  await copyFile(join(dir, 'cases/rotate-180.json'), join(dir, 'cases/smaller.json'));
  const { width, height } = await sharp(expected('rotate-180')).metadata();
  await sharp(expected('rotate-180')).resize(width - 10, height, { fit: 'fill' }).png().toFile(expected('smaller'));
  return dir;
}

interface Element {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Element[];
  text: string;
}

/** Parses XML strictly (sax throws on anything not well-formed) into a tree of elements. */
function parseXml(text: string): Element {
  const parser = sax.parser(true);
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  parser.onopentag = (tag) => {
    const element: Element = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
    stack.at(-1)!.children.push(element);
    stack.push(element);
  };
  parser.onclosetag = () => void stack.pop();
  parser.ontext = (t) => void (stack.at(-1)!.text += t);
  parser.onerror = (error) => {
    throw error;
  };
  parser.write(text).close();
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

const ONE_LEVEL = /^1 of 106800 pixels differ \(0\.001%\), max channel difference 1, mean 0\.0000 \(allowed: exact\)$/;

describe('superimpose golden verify --junit, --json and --report', () => {
  it('writes a JUnit report that parses, with the counts, each case by name and the failures with their figures and diff images', async () => {
    const dir = await mixedFolder();
    const report = join(dir, 'report.xml');
    const result = await run(['golden', 'verify', dir, '--junit', report]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^1 passed, 3 failed \(1 exact\)$/m);
    const xml = await readFile(report, 'utf8');
    expect(xml).toContain(`name="a&lt;b&amp;&quot;c&apos;"`);
    const suite = parseXml(xml);
    expect(suite.name).toBe('testsuite');
    expect(suite.attributes).toMatchObject({ name: 'golden', tests: '4', failures: '3' });
    expect(Number(suite.attributes['time'])).toBeGreaterThan(0);
    const cases = suite.children.map(({ name, attributes, children }) => ({ name, attributes, children }));
    expect(cases.map((c) => [c.name, c.attributes['classname'], c.attributes['name']])).toEqual([
      ['testcase', 'golden', AWKWARD],
      ['testcase', 'golden', 'rotate-180'],
      ['testcase', 'golden', 'rotate-90'],
      ['testcase', 'golden', 'smaller'],
    ]);
    for (const c of cases) expect(c.attributes['time']).toMatch(/^\d+\.\d{3}$/);
    const failureOf = (name: string) => suite.children.find((c) => c.attributes['name'] === name)!.children;
    expect(failureOf('rotate-180')).toEqual([]);
    for (const name of [AWKWARD, 'rotate-90']) {
      const [failure, ...rest] = failureOf(name);
      expect(rest).toEqual([]);
      expect(failure!.name).toBe('failure');
      expect(failure!.attributes['message']).toMatch(ONE_LEVEL);
      expect(failure!.text).toContain(`diff image: ${join(dir, 'failures', `${name}.diff.png`)}`);
      expect(failure!.text).toContain(`actual image: ${join(dir, 'failures', `${name}.actual.png`)}`);
    }
    const [mismatch] = failureOf('smaller');
    expect(mismatch!.attributes['message']).toBe('size 400x267 where 390x267 was expected (allowed: exact)');
    expect(mismatch!.text).toMatch(/^no diff image: the sizes differ\nactual image: .*smaller\.actual\.png$/);
  });

  it('writes an HTML report: each case by name with its figures, and images only for the failures', async () => {
    const dir = await mixedFolder();
    const report = join(dir, 'report.html');
    const result = await run(['golden', 'verify', dir, '--report', report]);
    expect(result.code).toBe(1);
    const page = await readFile(report, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<title>Golden report: 1 passed, 3 failed</title>');
    for (const name of ['a&lt;b&amp;&quot;c&#39;', 'rotate-180', 'rotate-90', 'smaller']) expect(page).toMatch(new RegExp(`<th scope="row">(<a href="#case-\\d">)?${name}(</a>)?</th>`));
    expect(page).not.toContain(AWKWARD);
    expect(page).toContain('<td>FAIL</td><td class="num">1</td><td class="num">1</td><td class="num">2.34e-6</td><td>exact</td>');
    expect(page).toContain('actual 400×267, expected 390×267');
    // Three images for each one-pixel failure, expected and actual for the size mismatch; the passing case has none.
    expect(page.match(/<img [^>]*src="data:image\/png;base64,/g)).toHaveLength(3 + 3 + 2);
    expect(page.match(/<input type="range"/g)).toHaveLength(2);
    expect(page.replace(/data:image\/png;base64,[A-Za-z0-9+/]+=*/g, '')).not.toMatch(/https?:|\/\/|url\(/);
    const expected = await readFile(join(dir, 'expected/rotate-90.png'));
    expect(page).toContain(`src="data:image/png;base64,${expected.toString('base64')}"`);
  });

  it('reports a case that cannot be verified as an error in every output, and still verifies the others', async () => {
    const dir = await folder();
    await copyFile(join(dir, 'cases/rotate-90.json'), join(dir, 'cases/broken.json'));
    await copyFile(join(dir, 'expected/rotate-90.png'), join(dir, 'expected/broken.png'));
    await editCase(dir, 'broken', { overlay: 'inputs/missing.png' });
    const [junit, page] = [join(dir, 'report.xml'), join(dir, 'report.html')];
    const result = await run(['golden', 'verify', dir, '--json', '--junit', junit, '--report', page]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR broken: .*missing\.png/m);
    expect(result.stderr).toMatch(/^ok {3}rotate-180 \(exact\)$/m);
    expect(result.stderr).toMatch(/^2 passed, 0 failed, 1 could not be verified \(2 exact\)$/m);
    const summary = JSON.parse(result.stdout) as { cases: { name: string; error?: string }[]; passed: number; failed: number };
    expect(summary).toMatchObject({ passed: 2, failed: 1 });
    expect(summary.cases.find((c) => c.name === 'broken')).toMatchObject({ ok: false, diffPixels: null, maxError: null, meanError: null, error: expect.stringContaining('missing.png') });
    const suite = parseXml(await readFile(junit, 'utf8'));
    expect(suite.attributes).toMatchObject({ tests: '3', failures: '0', errors: '1' });
    const [error] = suite.children.find((c) => c.attributes['name'] === 'broken')!.children;
    expect(error).toMatchObject({ name: 'error', attributes: { type: 'SuperimposeError', message: expect.stringContaining('missing.png') } });
    expect(await readFile(page, 'utf8')).toContain('<title>Golden report: 2 passed, 1 failed</title>');
  });

  it('prints a summary that parses as the expected object, with the human lines on stderr', async () => {
    const dir = await mixedFolder();
    const result = await run(['golden', 'verify', dir, '--json']);
    expect(result.code).toBe(1);
    const oneLevel = { ok: false, diffPixels: 1, maxError: 1, meanError: 1 / (106800 * 4) };
    expect(JSON.parse(result.stdout)).toEqual({
      cases: [
        { name: AWKWARD, ...oneLevel },
        { name: 'rotate-180', ok: true, diffPixels: 0, maxError: 0, meanError: 0 },
        { name: 'rotate-90', ...oneLevel },
        { name: 'smaller', ok: false, diffPixels: null, maxError: null, meanError: null },
      ],
      passed: 1,
      failed: 3,
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^FAIL smaller: size 400x267 where 390x267 was expected/m);
    expect(result.stderr).toMatch(/^1 passed, 3 failed \(1 exact\)$/m);
  });

  it.each([
    { outcome: 'a failing case', spoil: true, args: [], code: 1 },
    { outcome: 'a failing case', spoil: true, args: ['--json'], code: 1 },
    { outcome: 'a failing case', spoil: true, args: ['--junit', 'REPORT'], code: 1 },
    { outcome: 'a failing case', spoil: true, args: ['--json', '--junit', 'REPORT'], code: 1 },
    { outcome: 'every case passing', spoil: false, args: ['--json', '--junit', 'REPORT'], code: 0 },
    { outcome: 'a failing case', spoil: true, args: ['--report', 'HTML'], code: 1 },
    { outcome: 'a failing case', spoil: true, args: ['--json', '--junit', 'REPORT', '--report', 'HTML'], code: 1 },
    { outcome: 'every case passing', spoil: false, args: ['--report', 'HTML'], code: 0 },
  ])('keeps exit $code for $outcome with $args, the report written either way', async ({ spoil, args, code }) => {
    const dir = await folder();
    if (spoil) await shiftedCopy(join(dir, 'expected/rotate-90.png'), join(dir, 'expected/rotate-90.png'), 1, 1);
    const report = join(dir, 'report.xml');
    const page = join(dir, 'report.html');
    const result = await run(['golden', 'verify', dir, ...args.map((a) => (a === 'REPORT' ? report : a === 'HTML' ? page : a))]);
    expect(result.code, result.stderr).toBe(code);
    if (args.includes('--junit')) expect(parseXml(await readFile(report, 'utf8')).attributes).toMatchObject({ tests: '2', failures: String(code) });
    if (args.includes('--report')) expect(await readFile(page, 'utf8')).toContain(`<title>Golden report: ${2 - code} passed, ${code} failed</title>`);
    if (args.includes('--json')) expect(JSON.parse(result.stdout)).toMatchObject({ passed: 2 - code, failed: code });
  });

  it.each([
    { args: ['golden', '--help'], code: 0, out: /^ {2}--junit FILE\.xml {4}verify: also write a JUnit XML report[\s\S]*^ {2}--report FILE\.html {2}verify: also write one self-contained HTML page[\s\S]*^ {2}--json {14}verify: print/m, err: /^$/ },
    { args: ['golden', 'verify', 'golden', '--jsn'], code: 2, out: /^$/, err: /^superimpose: unknown flag --jsn; did you mean --json\?\n$/ },
    { args: ['golden', 'verify', 'golden', '--junt', 'r.xml'], code: 2, out: /^$/, err: /^superimpose: unknown flag --junt; did you mean --junit\?\n$/ },
    { args: ['golden', 'verify', 'golden', '--junit'], code: 2, out: /^$/, err: /^superimpose: --junit needs a value: an \.xml file name/ },
    { args: ['golden', 'update', 'golden', '--json'], code: 2, out: /^$/, err: /^superimpose: --json reports on golden verify, not golden update\n$/ },
    { args: ['golden', 'verify', 'golden', '--junit', '/no/such/folder/r.xml'], code: 2, out: /^$/, err: /^superimpose: --junit \/no\/such\/folder\/r\.xml: the folder \/no\/such\/folder does not exist\n$/ },
    { args: ['golden', 'verify', 'golden', '--reprt', 'r.html'], code: 2, out: /^$/, err: /^superimpose: unknown flag --reprt; did you mean --report\?\n$/ },
    { args: ['golden', 'verify', 'golden', '--report'], code: 2, out: /^$/, err: /^superimpose: --report needs a value: an \.html file name/ },
    { args: ['golden', 'update', 'golden', '--report', 'r.html'], code: 2, out: /^$/, err: /^superimpose: --report reports on golden verify, not golden update\n$/ },
    { args: ['golden', 'verify', 'golden', '--report', '/no/such/folder/r.html'], code: 2, out: /^$/, err: /^superimpose: --report \/no\/such\/folder\/r\.html: the folder \/no\/such\/folder does not exist\n$/ },
    { args: ['golden', 'verify', 'golden', '--report', 'golden/'], code: 2, out: /^$/, err: /^superimpose: --report golden\/ names a folder: name the file to write inside it, such as golden\/golden\.html\n$/ },
  ])('$args: exit $code', async ({ args, code, out, err }) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toMatch(out);
    expect(result.stderr).toMatch(err);
  });
});
