import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenFolderWith, shiftedCopy } from '../cli/images.js';
import { run, tmp } from '../cli/run.js';

/**
 * The golden verify --report page in a real Chromium, from a file: URL as a
 * reviewer opens it. Chromium is a system package (Debian's chromium, which
 * .ci/run installs); playwright-core only drives it and downloads nothing.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

let browser: Browser;
let page: Page;
let reportUrl: string;
const requests: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH to its executable`);
  }
  const dir = await tmp();
  await goldenFolderWith(dir, ['rotate-90', 'rotate-180']);
  await shiftedCopy(join(dir, 'expected/rotate-90.png'), join(dir, 'expected/rotate-90.png'), 1, 1);
  const report = join(dir, 'report.html');
  const result = await run(['golden', 'verify', dir, '--report', report]);
  expect(result.code, result.stderr).toBe(1);
  reportUrl = pathToFileURL(report).href;
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('request', (request) => void requests.push(request.url()));
  await page.goto(reportUrl, { waitUntil: 'load' });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

// The page's own code runs in the browser; these expressions are evaluated there (this project's types have no DOM).
const CLIP_RIGHT = `parseFloat(getComputedStyle(document.querySelector('.slider .over')).clipPath.split(' ')[1])`;
const RANGE = `document.querySelector('.slider input').valueAsNumber`;

/** The slider's value and how much of the actual image is clipped away on the right, in percent. */
async function sliderState(): Promise<{ value: number; clippedRight: number }> {
  return { value: await page.evaluate<number>(RANGE), clippedRight: await page.evaluate<number>(CLIP_RIGHT) };
}

describe('the golden HTML report in Chromium', () => {
  it('decodes every image', async () => {
    await page.waitForFunction(`[...document.images].every((img) => img.complete)`);
    const images = await page.evaluate<{ alt: string; complete: boolean; naturalWidth: number }[]>(
      `[...document.images].map((img) => ({ alt: img.alt, complete: img.complete, naturalWidth: img.naturalWidth }))`,
    );
    // Expected, actual and diff side by side, and expected and actual again in the slider.
    expect(images).toHaveLength(5);
    for (const image of images) expect(image, image.alt).toMatchObject({ complete: true, naturalWidth: 400 });
  });

  it('requests nothing but the file itself and data: URLs', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => url !== reportUrl && !url.startsWith('data:'))).toEqual([]);
  });

  it('moves the line with the keyboard: arrows, Home and End', async () => {
    const range = page.locator('.slider input');
    await range.focus();
    expect(await sliderState()).toEqual({ value: 50, clippedRight: 50 });
    await page.keyboard.press('ArrowRight');
    expect(await sliderState()).toEqual({ value: 51, clippedRight: 49 });
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await sliderState()).toEqual({ value: 49, clippedRight: 51 });
    await page.keyboard.press('Home');
    expect(await sliderState()).toEqual({ value: 0, clippedRight: 100 });
    await page.keyboard.press('End');
    expect(await sliderState()).toEqual({ value: 100, clippedRight: 0 });
    expect(await range.getAttribute('aria-label')).toMatch(/actual and expected for rotate-90/);
  });

  it('moves the line by dragging on the image, and by dragging the slider itself', async () => {
    const stack = page.locator('.slider .stack');
    await stack.scrollIntoViewIfNeeded();
    const image = (await stack.boundingBox())!;
    const y = image.y + image.height / 2;
    await page.mouse.move(image.x + image.width * 0.6, y);
    await page.mouse.down();
    expect(await sliderState()).toEqual({ value: 60, clippedRight: 40 });
    await page.mouse.move(image.x + image.width * 0.25, y, { steps: 5 });
    await page.mouse.up();
    expect(await sliderState()).toEqual({ value: 25, clippedRight: 75 });
    // Moving without a button pressed leaves it where it was.
    await page.mouse.move(image.x + image.width * 0.9, y);
    expect((await sliderState()).value).toBe(25);

    const range = (await page.locator('.slider input').boundingBox())!;
    const thumbY = range.y + range.height / 2;
    const thumbX = range.x + (range.width * 25) / 100 + (0.5 - 0.25) * range.height; // the thumb's centre, inset by its width near the ends
    await page.mouse.move(thumbX, thumbY);
    await page.mouse.down();
    await page.mouse.move(range.x + range.width * 0.8, thumbY, { steps: 5 });
    await page.mouse.up();
    const { value, clippedRight } = await sliderState();
    expect(value).toBeGreaterThan(70);
    expect(clippedRight).toBe(100 - value);
  });
});
