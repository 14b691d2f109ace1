import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeImage, decodeRgba, type DecodeOptions } from '../../src/engine/codec.js';
import { fillTemplate, mockup, type MockupTemplate } from '../../src/library/mockup.js';
import { run, tmp } from './run.js';

// Every decode is counted by its field, so that a batch shows what it decoded once.
vi.mock('../../src/engine/codec.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/engine/codec.js')>();
  return { ...actual, decodeImage: vi.fn(actual.decodeImage), decodeRgba: vi.fn(actual.decodeRgba) };
});

const decodesOf = (field: string): number =>
  [...vi.mocked(decodeImage).mock.calls, ...vi.mocked(decodeRgba).mock.calls].filter((call) => (call[1] as DecodeOptions | undefined)?.field === field).length;

const TEMPLATE = {
  base_image: 'base.png',
  image_format: 'png',
  layers: [
    { image: '{{design}}', quad: [[10, 8], [50, 11], [47, 40], [12, 37]], displacement: { map: 'base', strength: 2 } },
    { image: '{{badge}}', box: { x: 2, y: 2, width: 10, height: 10, rotation: 15 }, blend_mode: 'multiply' },
  ],
};

const COLOURS = ['#c02', '#0a4', '#24f', '#fb0', '#808'] as const;

/** A design with a different colour in one quarter, so that any misplacement shows. */
const design = (colour: string) =>
  sharp({ create: { width: 20, height: 16, channels: 4, background: colour } })
    .composite([{ input: { create: { width: 10, height: 8, channels: 4, background: '#fff8' } }, left: 10, top: 8 }])
    .png()
    .toBuffer();

let dir: string;
/** tpl/: the template and its base; designs/: logo-1..5.png; badge.png at the top. */
const paths = {
  template: () => join(dir, 'tpl', 'shirt.json'),
  base: () => join(dir, 'tpl', 'base.png'),
  badge: () => join(dir, 'badge.png'),
  design: (n: number) => join(dir, 'designs', `logo-${n}.png`),
};

beforeAll(async () => {
  dir = await tmp();
  await mkdir(join(dir, 'tpl'));
  await mkdir(join(dir, 'designs'));
  await mkdir(join(dir, 'broken'));
  const gradient = Buffer.alloc(64 * 48 * 3, 0).map((_, i) => (i * 7) % 256);
  await sharp(gradient, { raw: { width: 64, height: 48, channels: 3 } }).png().toFile(paths.base());
  await writeFile(paths.template(), JSON.stringify(TEMPLATE));
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#6cf' } }).png().toFile(paths.badge());
  for (const [i, colour] of COLOURS.entries()) await writeFile(paths.design(i + 1), await design(colour));
  await writeFile(join(dir, 'broken', 'logo-6.png'), 'not really a png');
  await writeFile(join(dir, 'broken', 'logo-7.png'), await design('#123'));
});

/** The library's bytes for the template filled as the CLI fills it. */
const expected = async (values: Record<string, string>, template: MockupTemplate = TEMPLATE) =>
  (await mockup(fillTemplate({ ...template, base_image: paths.base() }, values))).data;

describe('superimpose mockup TEMPLATE --set', () => {
  it("renders the library's bytes for the filled template, its base found beside the template", async () => {
    const out = join(await tmp(), 'shirt.png');
    const result = await run(['mockup', paths.template(), '--set', `design=${paths.design(1)}`, '--set', `badge=${paths.badge()}`, '--out', out]);
    expect(result).toMatchObject({ code: 0, stderr: '', stdout: '' });
    expect((await readFile(out)).equals(await expected({ design: paths.design(1), badge: paths.badge() }))).toBe(true);
  });

  it('takes paths written in the template from its folder, --set paths from the current one, as the built bin', async () => {
    const result = await run(['mockup', 'tpl/shirt.json', '--set', 'design=designs/logo-2.png', '--set=badge=badge.png', '--out', 'out.png'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await readFile(join(dir, 'out.png'))).equals(await expected({ design: paths.design(2), badge: paths.badge() }))).toBe(true);
  });

  it.each([
    { template: { ...TEMPLATE, image_format: undefined }, out: 'x.webp', format: 'webp' },
    { template: { ...TEMPLATE, image_format: undefined }, out: 'x.jpeg', format: 'jpeg' },
    { template: { ...TEMPLATE, image_format: 'webp' }, out: 'x', format: 'webp' },
  ])('writes $format for --out $out and the template\'s image_format $template.image_format', async ({ template, out, format }) => {
    const folder = await tmp();
    await writeFile(join(folder, 't.json'), JSON.stringify({ ...template, base_image: paths.base() }));
    const result = await run(['mockup', join(folder, 't.json'), '--set', `design=${paths.design(1)}`, '--set', `badge=${paths.badge()}`, '--out', join(folder, out)]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect((await sharp(join(folder, out)).metadata()).format).toBe(format);
  });

  it('writes to standard output with --out -', async () => {
    const result = await run(['mockup', paths.template(), '--set', `design=${paths.design(3)}`, '--set', `badge=${paths.badge()}`, '--out', '-']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.bytes.equals(await expected({ design: paths.design(3), badge: paths.badge() }))).toBe(true);
  });
});

describe('superimpose mockup: refusals, each in one line', () => {
  const design1 = () => `design=${paths.design(1)}`;
  const badge = () => `badge=${paths.badge()}`;

  it.each([
    { name: 'a placeholder without a value', args: () => ['--set', badge(), '--out', 'x.png'], code: 2, message: /has \{\{design\}\} in layers\[0\]\.image but no value for it: give --set design=IMAGE/ },
    { name: 'a value for no placeholder', args: () => ['--set', design1(), '--set', badge(), '--set', 'desing=x.png', '--out', 'x.png'], code: 2, message: /--set desing: .*shirt\.json has no placeholder \{\{desing\}\}; did you mean design\? \(it has \{\{design\}\}, \{\{badge\}\}\)/ },
    { name: 'a --set without NAME=', args: () => ['--set', paths.design(1), '--out', 'x.png'], code: 2, message: /Expected --set NAME=IMAGE/ },
    { name: 'a placeholder given twice', args: () => ['--set', design1(), '--set', design1(), '--out', 'x.png'], code: 2, message: /--set design is given twice/ },
    { name: 'a misspelt flag', args: () => ['--sett', design1()], code: 2, message: /unknown flag --sett; did you mean --set\?/ },
    { name: 'a misspelt --out-dir', args: () => ['--each', 'design=*.png', '--outdir', 'x'], code: 2, message: /unknown flag --outdir; did you mean --out-dir\?/ },
    { name: 'no --out', args: () => ['--set', design1(), '--set', badge()], code: 2, message: /Expected --out/ },
    { name: 'an --out-dir without --each', args: () => ['--set', design1(), '--set', badge(), '--out-dir', 'x'], code: 2, message: /--out-dir and --concurrency go with --each/ },
    { name: '--out with --each', args: () => ['--each', `design=${dir}/designs/*.png`, '--set', badge(), '--out', 'x.png'], code: 2, message: /With --each, each mockup is written to --out-dir/ },
    { name: 'a glob that matches nothing', args: () => ['--each', `design=${dir}/nothing/*.png`, '--set', badge(), '--out-dir', 'x'], code: 2, message: /--each design='.*\/nothing\/\*\.png' matches no file/ },
    { name: 'a format the name contradicts', args: () => ['--set', design1(), '--set', badge(), '--out', 'x.jpg'], code: 2, message: /the template's "image_format" png contradicts --out x\.jpg/ },
    { name: 'an unreadable design', args: () => ['--set', `design=${join(dir, 'broken', 'logo-6.png')}`, '--set', badge(), '--out', join(dir, 'never.png')], code: 3, message: /layers\[0\]\.image/ },
    { name: 'a URL to a private address, through the guarded fetcher', args: () => ['--set', 'design=http://127.0.0.1:9/logo.png', '--set', badge(), '--out', join(dir, 'never.png')], code: 3, message: /Expected a public http\(s\) URL for layers\[0\]\.image/ },
  ])('$name: exit $code', async ({ args, code, message }) => {
    const result = await run(['mockup', paths.template(), ...args()]);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toMatch(/^superimpose: [^\n]+\n$/);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    { field: 'layers[0].quad', layer: { image: '{{design}}', quad: [[10, 10], [30, 12], [15, 14], [12, 28]] }, message: /strictly convex quad .*for layers\[0\]\.quad but received \[\[10,10\],\[30,12\],\[15,14\],\[12,28\]\]/ },
    { field: 'layers[0].opacity', layer: { image: '{{design}}', box: { x: 1, y: 1, width: 5, height: 5 }, opacity: 2 }, message: /for layers\[0\]\.opacity but received 2/ },
  ])('names a bad template field, $field, with exit 2, in both forms', async ({ layer, message }) => {
    const folder = await tmp();
    await writeFile(join(folder, 't.json'), JSON.stringify({ base_image: paths.base(), layers: [layer] }));
    for (const form of [['--set', `design=${paths.design(1)}`, '--out', join(folder, 'x.png')], ['--each', `design=${dir}/designs/*.png`, '--out-dir', join(folder, 'out')]]) {
      const result = await run(['mockup', join(folder, 't.json'), ...form]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await readdir(folder)).toEqual(['t.json']);
  });

  it('refuses a template that is not a JSON object, naming it', async () => {
    const folder = await tmp();
    await writeFile(join(folder, 't.json'), '[1, 2]');
    const result = await run(['mockup', join(folder, 't.json'), '--out', 'x.png']);
    expect(result).toMatchObject({ code: 2, stderr: `superimpose: Expected ${join(folder, 't.json')} to hold a mockup template, a JSON object with base_image and layers\n` });
  });

  it('takes the pixel limits from the environment, as the other commands do', async () => {
    const result = await run(['mockup', paths.template(), '--set', design1(), '--set', badge(), '--out', join(dir, 'never.png')], { env: { SUPERIMPOSE_MAX_INPUT_PIXELS: '100' } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/SUPERIMPOSE_MAX_INPUT_PIXELS/);
  });
});

describe('superimpose mockup TEMPLATE --each', () => {
  beforeEach(() => {
    vi.mocked(decodeImage).mockClear();
    vi.mocked(decodeRgba).mockClear();
  });

  it("writes one file per design, each the library's bytes, with progress, decoding the base and the fixed badge once", async () => {
    const out = join(await tmp(), 'mockups');
    const result = await run(['mockup', paths.template(), '--each', `design=${dir}/designs/logo-*.png`, '--set', `badge=${paths.badge()}`, '--out-dir', out, '--concurrency', '2']);
    // Counted before the expected renders below add their own.
    const decodes = { base: decodesOf('base_image'), badge: decodesOf('layers[1].image'), designs: decodesOf('layers[0].image') };
    expect(decodes).toEqual({ base: 1, badge: 1, designs: 5 });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`5 written to ${out}, 0 failed\n`);
    expect(result.stderr.trim().split('\n')).toEqual([1, 2, 3, 4, 5].map((n) => expect.stringMatching(new RegExp(`^\\[${n}/5\\] ok .*logo-\\d\\.png -> .*logo-\\d\\.png \\(\\d+ ms\\)$`))));
    expect((await readdir(out)).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `logo-${n}.png`));
    for (const n of [1, 2, 3, 4, 5]) {
      expect((await readFile(join(out, `logo-${n}.png`))).equals(await expected({ design: paths.design(n), badge: paths.badge() })), `logo-${n}.png`).toBe(true);
    }
  });

  it('names a corrupt design with its reason and exits 1, the other files written', async () => {
    const out = join(await tmp(), 'mockups');
    const result = await run(['mockup', paths.template(), '--each', `design=${dir}/{designs,broken}/logo-*.png`, '--set', `badge=${paths.badge()}`, '--out-dir', out]);
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe(`6 written to ${out}, 1 failed`);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}.*broken\/logo-6\.png: .*layers\[0\]\.image/)]);
    expect(result.stderr).toMatch(/\[\d\/7\] FAILED .*broken\/logo-6\.png\n/);
    expect((await readdir(out)).sort()).toEqual(['logo-1.png', 'logo-2.png', 'logo-3.png', 'logo-4.png', 'logo-5.png', 'logo-7.png']);
  });

  it('refuses two inputs that would write one file, before rendering any', async () => {
    const out = join(await tmp(), 'mockups');
    await mkdir(join(dir, 'twin'), { recursive: true });
    await writeFile(join(dir, 'twin', 'logo-1.png'), await design('#456'));
    const result = await run(['mockup', paths.template(), '--each', `design=${dir}/{designs,twin}/logo-1.png`, '--set', `badge=${paths.badge()}`, '--out-dir', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--each design: .*(designs|twin)\/logo-1\.png and .*(designs|twin)\/logo-1\.png would both be written to .*mockups\/logo-1\.png/);
    expect(decodesOf('base_image')).toBe(0);
  });
});

describe('superimpose mockup --help', () => {
  it('documents every flag of the table, and the command is in the overall help', async () => {
    const { MOCKUP_FLAGS } = await import('../../src/cli/mockup/flags.js');
    const help = await run(['mockup', '--help']);
    expect(help.code).toBe(0);
    for (const [name, spec] of Object.entries(MOCKUP_FLAGS)) expect(help.stdout).toContain(`--${name} ${spec.placeholder}`);
    expect(help.stdout).toContain('layers[].displacement.map');
    expect((await run(['--help'])).stdout).toMatch(/^ {2}mockup {4}/m);
  });
});
