import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/http.js';
import { builtPlayground } from '../helpers/playground.js';

/**
 * The playground in a real Chromium against the real app on loopback: a photo
 * and a design picked, corners dragged and moved by keyboard, the preview
 * following, and the request and the curl code giving the preview's bytes.
 * Chromium is Debian's (.ci/run installs it); playwright-core downloads none.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const SCREENSHOTS = process.env['PLAYGROUND_SCREENSHOTS'] === '1';
const run = promisify(execFile);

let app: FastifyInstance;
let origin: string;
let browser: Browser;
let page: Page;
let folder: string;
const requests: string[] = [];
// A space and a quote in the name: the snippets must quote it.
const PHOTO = "product 'photo'.jpg";
const DESIGN = 'logo.png';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to its executable`);
  }
  folder = await mkdtemp(join(tmpdir(), 'playground-e2e-'));
  const photo = await sharp({ create: { width: 640, height: 420, channels: 3, background: '#8fb3d9' } })
    .composite([{ input: Buffer.from('<svg width="640" height="420"><rect x="120" y="60" width="400" height="300" fill="#d24a3a"/></svg>'), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  const design = await sharp(Buffer.from('<svg width="240" height="120"><rect width="240" height="120" rx="20" fill="#1a7f37"/><circle cx="60" cy="60" r="40" fill="#fff"/></svg>')).png().toBuffer();
  await writeFile(join(folder, PHOTO), photo);
  await writeFile(join(folder, DESIGN), design);

  app = buildApp(testConfig(), { playground: { page: await builtPlayground() } });
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('request', (request) => void requests.push(request.url()));
  await page.goto(`${origin}/`, { waitUntil: 'load' });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Waits for a preview other than `previous`, and gives its src and bytes. */
async function nextPreview(previous: string | null): Promise<{ src: string; bytes: Buffer }> {
  const preview = page.getByTestId('preview');
  const isNew = async () => {
    const src = await preview.getAttribute('src');
    return src !== null && src !== previous;
  };
  await expect.poll(isNew, { timeout: 10_000 }).toBe(true);
  const src = (await preview.getAttribute('src'))!;
  // Run in the page, as a function: the page's Content-Security-Policy allows no string evaluation.
  const bytes = await page.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), src);
  return { src, bytes: Buffer.from(bytes) };
}

const pixels = async (image: Buffer) => (await sharp(image).raw().toBuffer()).toString('base64');

/** The request behind the preview, as "Download request" saves it. */
async function requestBody(on: Page): Promise<string> {
  const [download] = await Promise.all([on.waitForEvent('download'), on.getByTestId('download-request').click()]);
  return readFile((await download.path())!, 'utf8');
}

/** In the page: the data-testid of the focused element ('' for none). */
function focusedTestId(): string {
  const { document } = globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } };
  return document.activeElement?.getAttribute('data-testid') ?? '';
}

/** A corner handle's position as it says it: "x 120, y 80". */
async function corner(index: number): Promise<{ x: number; y: number; now: number }> {
  const handle = page.getByTestId(`corner-${index}`);
  const [, x, y] = /^x (-?[\d.]+), y (-?[\d.]+)$/.exec((await handle.getAttribute('aria-valuetext')) ?? '')!;
  return { x: Number(x), y: Number(y), now: Number(await handle.getAttribute('aria-valuenow')) };
}

describe('the playground in Chromium', () => {
  let shown: { src: string; bytes: Buffer };

  it('renders a mockup once a photo and a design are picked', async () => {
    await page.getByTestId('base-input').setInputFiles(join(folder, PHOTO));
    await page.getByTestId('design-input').setInputFiles(join(folder, DESIGN));
    shown = await nextPreview(null);
    expect((await sharp(shown.bytes).metadata()).width).toBe(640);
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/Rendered in \d+ ms/);
  });

  it('reaches every control with Tab: the corners, the inputs, the code buttons', async () => {
    await page.locator('h1').click();
    const order: string[] = [];
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(focusedTestId));
    }
    const reached = order.filter((id) => id !== '');
    for (const id of ['corner-0', 'corner-1', 'corner-2', 'corner-3', 'base-input', 'design-input', 'fit', 'blend-mode', 'opacity', 'layer-add']) expect(reached, id).toContain(id);
    expect(reached.indexOf('corner-1')).toBe(reached.indexOf('corner-0') + 1);
  });

  it('follows a corner dragged with the mouse', async () => {
    const before = await corner(2);
    const box = (await page.getByTestId('corner-2').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 5 });
    await page.mouse.up();
    const after = await corner(2);
    expect(after.x).toBeGreaterThan(before.x + 30);
    expect(after.y).toBeGreaterThan(before.y + 15);
    const next = await nextPreview(shown.src);
    expect(await pixels(next.bytes)).not.toBe(await pixels(shown.bytes));
    shown = next;
  });

  it('moves a corner with the arrow keys: 1 px, 10 with Shift', async () => {
    const start = await corner(0);
    await page.getByTestId('corner-0').focus();
    await page.keyboard.press('ArrowRight');
    expect(await corner(0)).toEqual({ x: start.x + 1, y: start.y, now: start.now + 1 });
    await page.keyboard.press('Shift+ArrowRight');
    expect(await corner(0)).toEqual({ x: start.x + 11, y: start.y, now: start.now + 11 });
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await corner(0)).toMatchObject({ x: start.x + 11, y: start.y + 9 });
    expect(await page.getByTestId('corner-0').getAttribute('aria-label')).toBe('top-left corner');
    shown = await nextPreview(shown.src);
  });

  it('renders again when the blend mode changes', async () => {
    await page.getByTestId('blend-mode').selectOption('difference');
    const next = await nextPreview(shown.src);
    expect(await pixels(next.bytes)).not.toBe(await pixels(shown.bytes));
    shown = next;
  });

  it('downloads the exact request behind the preview', async () => {
    const body = await requestBody(page);
    const request = JSON.parse(body) as { layers: { blend_mode: string }[] };
    expect(request.layers[0]!.blend_mode).toBe('difference');
    const response = await fetch(`${origin}/v1/mockup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(shown.bytes)).toBe(true);
  });

  it('gives curl code that, run beside the picked files, writes the preview', async () => {
    await page.getByTestId('copy-curl').click();
    const code = (await page.getByTestId('code').textContent())!;
    expect(code).toContain('curl');
    expect(code).toContain(`base64 -w0 'product '\\''photo'\\''.jpg'`);
    expect(code).not.toMatch(/[A-Za-z0-9+/]{200}/);
    await writeFile(join(folder, 'mockup.sh'), code);
    await run('bash', ['mockup.sh'], { cwd: folder });
    expect((await readFile(join(folder, 'mockup.jpg'))).equals(shown.bytes)).toBe(true);
  });

  it('gives JavaScript and Python code that, run beside the picked files, write the preview', async () => {
    await page.getByTestId('copy-js').click();
    const javascript = (await page.getByTestId('code').textContent())!;
    expect(javascript).toContain('fs.readFileSync');
    await writeFile(join(folder, 'mockup.mjs'), javascript);
    await run(process.execPath, ['mockup.mjs'], { cwd: folder });
    expect((await readFile(join(folder, 'mockup.jpg'))).equals(shown.bytes)).toBe(true);
    await page.getByTestId('copy-python').click();
    const python = (await page.getByTestId('code').textContent())!;
    expect(python).toContain('import requests');
    expect(python).toContain(`b64("product 'photo'.jpg")`);
    expect(python).toContain(`b64("logo.png")`);
    await writeFile(join(folder, 'mockup.py'), python);
    await rm(join(folder, 'mockup.jpg'));
    await run('python3', ['mockup.py'], { cwd: folder });
    expect((await readFile(join(folder, 'mockup.jpg'))).equals(shown.bytes)).toBe(true);
  });

  it('downloads a template of the photo with {{design}} in the design\'s place', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-template').click()]);
    expect(download.suggestedFilename()).toBe('template.json');
    const template = JSON.parse(await readFile((await download.path())!, 'utf8')) as { base_image: string; layers: { image: string; blend_mode: string }[] };
    expect(template).toMatchObject({ base_image: PHOTO, layers: [{ image: '{{design}}', blend_mode: 'difference' }] });
  });

  it('shows a refused value beside its control', async () => {
    await page.getByTestId('opacity').fill('5');
    const error = page.locator('[data-field="opacity"] [data-testid="error"]');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toBe('Expected number between 0 and 1 for layers[0].opacity but received 5');
    expect(await page.getByTestId('opacity').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('opacity').fill('1');
    await error.waitFor({ state: 'detached', timeout: 10_000 });
    shown = await nextPreview(shown.src);
  });

  it('renders superimpose from controls made from its parameter table', async () => {
    await page.getByTestId('mode-superimpose').click();
    await page.getByTestId('superimpose-base_image').setInputFiles(join(folder, PHOTO));
    await page.getByTestId('superimpose-overlay_image').setInputFiles(join(folder, DESIGN));
    await page.getByTestId('superimpose-x_offset').fill('100');
    await page.getByTestId('superimpose-resize_method').selectOption('bilinear');
    await expect.poll(async () => JSON.parse(await requestBody(page)) as Record<string, unknown>, { timeout: 10_000 }).toMatchObject({ x_offset: 100, resize_method: 'bilinear' });
    const rendered = await nextPreview(shown.src);
    expect((await sharp(rendered.bytes).metadata()).width).toBe(640);
    await page.getByTestId('superimpose-opacity').fill('2');
    await page.locator('[data-field="opacity"] [data-testid="error"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('mode-mockup').click();
  });

  it('keeps each mode\'s preview and request its own when the mode changes while a render runs', async () => {
    // Superimpose gets a preview of its own; then its renders are held, so only a stray answer could change it.
    await page.getByTestId('mode-superimpose').click();
    const before = await page.getByTestId('preview').getAttribute('src');
    await page.getByTestId('superimpose-opacity').fill('1');
    const own = await nextPreview(before);
    const ownBody = await requestBody(page);
    await page.getByTestId('mode-mockup').click();
    shown = await nextPreview(own.src);
    const heldSuperimpose: Route[] = [];
    const holdSuperimpose = (route: Route) => void heldSuperimpose.push(route);
    await page.route(`${origin}/v1/superimpose`, holdSuperimpose);

    const signal = () => {
      let fire = () => {};
      const fired = new Promise<void>((resolve) => (fire = resolve));
      return { fire, fired };
    };
    let reached = signal();
    let released = signal();
    const stray = await sharp({ create: { width: 123, height: 45, channels: 3, background: '#f0f' } }).jpeg().toBuffer();
    const answers = [
      { status: 200, contentType: 'image/jpeg', body: stray },
      { status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'Expected one of jpeg, png, webp for image_format but received "gif"' }) },
    ];
    const holdMockup = async (route: Route) => {
      reached.fire();
      await released.fired;
      await route.fulfill(answers.shift()!).catch(() => {});
    };
    for (const opacity of ['0.5', '0.75']) {
      reached = signal();
      released = signal();
      await page.route(`${origin}/v1/mockup`, holdMockup);
      await page.getByTestId('opacity').fill(opacity);
      await reached.fired;
      await page.getByTestId('mode-superimpose').click();
      released.fire();
      // Time for the stray mockup answer to land, were it not dropped.
      await page.waitForTimeout(400);
      expect(await page.getByTestId('preview').getAttribute('src'), opacity).toBe(own.src);
      expect(await page.locator('[data-testid="error"]').count(), opacity).toBe(0);
      expect(await requestBody(page), opacity).toBe(ownBody);
      await page.unroute(`${origin}/v1/mockup`, holdMockup);
      await page.getByTestId('mode-mockup').click();
      expect(await page.getByTestId('preview').getAttribute('src')).toBe(shown.src);
      // Back in mockup, its own request renders: the dropped answer is asked again.
      const next = await nextPreview(shown.src);
      expect(await sharp(next.bytes).metadata()).toMatchObject({ width: 640, height: 420 });
      shown = next;
    }
    await page.unroute(`${origin}/v1/superimpose`, holdSuperimpose);
    for (const route of heldSuperimpose) await route.abort().catch(() => {});
    expect(JSON.parse(await requestBody(page))).toMatchObject({ layers: [{ opacity: 0.75 }] });
  });

  it('takes a photo dropped on the photo area as the new product photo', async () => {
    const dropped = await sharp({ create: { width: 500, height: 300, channels: 3, background: '#7a8899' } }).png().toBuffer();
    // In the page, as a function (its Content-Security-Policy allows no string evaluation); the DOM's types are the page's.
    await page.locator('.stage').evaluate((stage, bytes) => {
      const dom = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
        DragEvent: new (type: string, init: object) => unknown;
      };
      const transfer = new dom.DataTransfer();
      transfer.items.add(new dom.File([new Uint8Array(bytes)], 'dropped.png', { type: 'image/png' }));
      (stage as unknown as { dispatchEvent(event: unknown): boolean }).dispatchEvent(new dom.DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, [...dropped]);
    shown = await nextPreview(shown.src);
    expect(await sharp(shown.bytes).metadata()).toMatchObject({ width: 500, height: 300 });
  });

  // The README's screenshots are these, written into docs/playground/ when PLAYGROUND_SCREENSHOTS=1.
  it('renders an example photo with its template, and is shown as the README shows it', async () => {
    await page.getByTestId('example').selectOption('tshirt');
    shown = await nextPreview(shown.src);
    expect(await sharp(shown.bytes).metadata()).toMatchObject({ width: 900, height: 1000 });
    // The example's own design in its template's place: the stored result, byte for byte.
    expect(shown.bytes.equals(await readFile(new URL('../../examples/tshirt/result.jpg', import.meta.url)))).toBe(true);
    await page.getByTestId('copy-curl').click();
    await page.locator('header').scrollIntoViewIfNeeded();
    const out = SCREENSHOTS ? new URL('../../docs/playground/', import.meta.url) : pathToFileURL(join(folder, 'screenshots/'));
    await mkdir(out, { recursive: true });
    const small = (png: Buffer, width: number) => sharp(png).resize({ width }).png({ palette: true, quality: 80, effort: 10 }).toBuffer();
    await writeFile(new URL('mockup.png', out), await small(await page.screenshot(), 1100));
    await writeFile(new URL('code.png', out), await small(await page.locator('section.code').screenshot(), 700));
  });

  it('renders each example as its stored result, byte for byte, and lets the replaced photo go', async () => {
    for (const name of ['tote', 'mug', 'poster', 'tshirt']) {
      const photoBefore = (await page.locator('.stage img.photo').getAttribute('src'))!;
      await page.getByTestId('example').selectOption(name);
      shown = await nextPreview(shown.src);
      expect(shown.bytes.equals(await readFile(new URL(`../../examples/${name}/result.jpg`, import.meta.url))), name).toBe(true);
      // The previous photo's object URL is revoked: fetching it fails.
      const fetched = await page.evaluate(async (url) => fetch(url).then(() => true, () => false), photoBefore);
      expect(fetched, name).toBe(false);
    }
    // The template downloaded keeps the mug's [x, y] strength.
    await page.getByTestId('example').selectOption('mug');
    shown = await nextPreview(shown.src);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-template').click()]);
    const template = JSON.parse(await readFile((await download.path())!, 'utf8')) as { layers: { displacement: unknown }[] };
    expect(template.layers[0]!.displacement).toEqual({ map: 'wrap.png', strength: [99, 0], blur: 1 });
    expect(await page.getByTestId('strength').inputValue()).toBe('99');
    expect(await page.getByTestId('strength-y').inputValue()).toBe('0');
  });

  it('keeps a cleared number out of the request: the last one stays, and the code still runs', async () => {
    await page.getByTestId('strength').fill('');
    await page.getByTestId('copy-python').click();
    const python = (await page.getByTestId('code').textContent())!;
    expect(python).toContain('"strength": [99, 0],');
    expect(python).not.toMatch(/\bnull\b|None/);
    await page.getByLabel('Quality').fill('');
    expect((await page.getByTestId('code').textContent())!).toContain('"image_quality": 90,');
  });

  it('requests nothing from anywhere but this server', () => {
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))).toEqual([]);
  });
});

describe('the playground on a server with API keys', () => {
  let keyed: FastifyInstance;
  let keyedPage: Page;

  beforeAll(async () => {
    keyed = buildApp(testConfig({ SUPERIMPOSE_API_KEYS: 'secret-key' }), { playground: { page: await builtPlayground() } });
    const keyedOrigin = await keyed.listen({ host: '127.0.0.1', port: 0 });
    keyedPage = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await keyedPage.goto(`${keyedOrigin}/`, { waitUntil: 'load' });
  }, 20_000);

  afterAll(async () => {
    await keyedPage?.context().close();
    await keyed?.close();
  });

  it('loads, asks for the key, sends it as x-api-key and keeps it out of storage and code', async () => {
    await keyedPage.getByTestId('base-input').setInputFiles(join(folder, PHOTO));
    await keyedPage.getByTestId('design-input').setInputFiles(join(folder, DESIGN));
    const refused = keyedPage.locator('.general [data-testid="error"]');
    await refused.waitFor({ timeout: 10_000 });
    expect(await refused.textContent()).toBe('401: Missing x-api-key header');
    await keyedPage.getByLabel(/API key/).fill('secret-key');
    await expect.poll(() => keyedPage.getByTestId('preview').getAttribute('src'), { timeout: 10_000 }).toMatch(/^blob:/);
    await keyedPage.getByTestId('copy-curl').click();
    const code = (await keyedPage.getByTestId('code').textContent())!;
    expect(code).toContain('-H "x-api-key: $API_KEY"');
    expect(code).not.toContain('secret-key');
    expect(await keyedPage.context().cookies()).toEqual([]);
    const stored = await keyedPage.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as { localStorage: { length: number }; sessionStorage: { length: number } };
      return localStorage.length + sessionStorage.length;
    });
    expect(stored).toBe(0);
  });
});
