import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { GOLDEN } from './run.js';

/**
 * Writes a copy of a PNG whose first `pixels` pixels have their red channel
 * moved by `levels` (down where up would overflow): a change a tolerant
 * comparison would hide.
 */
export async function shiftedCopy(source: string, target: string, pixels: number, levels: number): Promise<void> {
  const { data, info } = await sharp(source).raw().toBuffer({ resolveWithObject: true });
  for (let p = 0; p < pixels; p++) {
    const i = p * info.channels;
    data[i] = data[i]! + levels <= 255 ? data[i]! + levels : data[i]! - levels;
  }
  await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).png().toFile(target);
}

/** A golden folder in `dir` with only the named cases of the project's own: their case files, inputs and expectations. */
export async function goldenFolderWith(dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const file = join(GOLDEN, 'cases', `${name}.json`);
    const goldenCase = JSON.parse(await readFile(file, 'utf8')) as { base: string; overlay: string; mask?: string };
    for (const relative of [`cases/${name}.json`, `expected/${name}.png`, goldenCase.base, goldenCase.overlay, ...(goldenCase.mask ? [goldenCase.mask] : [])]) {
      await mkdir(dirname(join(dir, relative)), { recursive: true });
      await copyFile(join(GOLDEN, relative), join(dir, relative));
    }
  }
}

/** Adds fields to a case file of a folder. */
export async function editCase(dir: string, name: string, fields: Record<string, unknown>): Promise<void> {
  const file = join(dir, 'cases', `${name}.json`);
  await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, 'utf8')) as object), ...fields }));
}
