/**
 * Mockups, timed in one process beside their floor: for each request of the
 * reference cases and the examples, `mockup()` (JPEG q90 out) against decoding
 * every input to raw in parallel and encoding the same output pixels with the
 * same settings: the work any mockup must do, whatever its engine. The ratio
 * says what the engine adds (homography, warp, blend, the blurred maps).
 * Then each example of examples/ as its template renders it, and a catalogue:
 * the t-shirt template filled with 20 designs one after the other, as
 * independent calls and through one DecodedImageCache (as `superimpose mockup
 * --each` renders), where the photo, print area and folds map decode once.
 * Every iteration times the pair back to back in a rotating order; the figures
 * are medians. sharp is set up as the server sets it.
 * Usage: npx tsx bench/mockup.ts [iterations=15]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { jpegOptions } from '../src/engine/codec.js';
import { readTemplate } from '../src/cli/mockup/template.js';
import { DecodedImageCache, fillTemplate, mockup, type MockupRequest } from '../src/index.js';
import { configureSharpForServing } from '../src/runtime/renderer.js';
import { examples, renderExample } from '../test/helpers/examples.js';
import { mockupCaseNames, mockupCaseRequest } from '../test/helpers/mockup-cases.js';
import { median } from './stats.js';

configureSharpForServing();
const iterations = Number(process.argv[2] ?? 15);
const GOLDEN = fileURLToPath(new URL('../golden/mockup/', import.meta.url));

/** Every image of a request, as its path. */
const imagePaths = (request: MockupRequest): string[] => {
  const paths: unknown[] = [request.base_image];
  for (const layer of request.layers) {
    paths.push(layer.image, layer.clip);
    if (layer.displacement && layer.displacement.map !== 'base') paths.push(layer.displacement.map);
  }
  return paths.filter((path): path is string => typeof path === 'string');
};

interface Timed {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly floor: () => Promise<unknown>;
}

async function timedCase(name: string, request: MockupRequest): Promise<Timed> {
  const jpeg = { ...request, image_format: 'jpeg', image_quality: 90 } as const;
  const { data } = await mockup({ ...jpeg, image_format: 'png' });
  const output = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  const inputs = imagePaths(request).map((path) => readFileSync(path));
  const raw = { width: output.info.width, height: output.info.height, channels: output.info.channels };
  return {
    name,
    run: () => mockup(jpeg),
    floor: async () => {
      await Promise.all(inputs.map((input) => sharp(input).raw().toBuffer()));
      await (raw.channels === 4 ? sharp(output.data, { raw }).flatten({ background: '#ffffff' }) : sharp(output.data, { raw })).jpeg(jpegOptions(90)).toBuffer();
    },
  };
}

async function measure(timed: Timed): Promise<{ ms: number; floorMs: number; ratio: number }> {
  for (let i = 0; i < 3; i++) await Promise.all([timed.run(), timed.floor()]);
  const runs: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const order = i % 2 === 0 ? [timed.run, timed.floor] : [timed.floor, timed.run];
    const times: number[] = [];
    for (const job of order) {
      const started = performance.now();
      await job();
      times.push(performance.now() - started);
    }
    const [run, floor] = i % 2 === 0 ? times : [times[1]!, times[0]!];
    runs.push(run!);
    floors.push(floor!);
    ratios.push(run! / floor!);
  }
  return { ms: median(runs), floorMs: median(floors), ratio: median(ratios) };
}

const requests: [string, MockupRequest][] = mockupCaseNames(GOLDEN).map((name) => [name, mockupCaseRequest(GOLDEN, name)]);
console.log(`mockups, ${iterations} iterations each, JPEG q90 out; floor: decode every input, encode the output`);
for (const [name, request] of requests) {
  const { ms, floorMs, ratio } = await measure(await timedCase(name, request));
  console.log(`${name.padEnd(44)} ${ms.toFixed(1).padStart(6)} ms   floor ${floorMs.toFixed(1).padStart(6)} ms   ${ratio.toFixed(2)}x`);
}
for (const example of examples()) {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await renderExample(example);
  console.log(`example ${example.name.padEnd(36)} ${((performance.now() - started) / iterations).toFixed(1).padStart(6)} ms`);
}

// The catalogue: 20 hue-turned copies of the badge, as files, on the t-shirt template.
const shirt = fileURLToPath(new URL('../examples/tshirt/', import.meta.url));
const { request: resolved } = await readTemplate(`${shirt}template.json`);
const badge = readFileSync(fileURLToPath(new URL('../examples/designs/badge.png', import.meta.url)));
const designs = await Promise.all(Array.from({ length: 20 }, (_, i) => sharp(badge).modulate({ hue: i * 18 }).png().toBuffer()));
const catalogue = async (cache?: DecodedImageCache) => {
  for (const design of designs) await mockup(fillTemplate(resolved, { design }), cache ? { cache } : {});
};
await catalogue();
const independent: number[] = [];
const cached: number[] = [];
for (let i = 0; i < 5; i++) {
  let started = performance.now();
  await catalogue();
  independent.push((performance.now() - started) / designs.length);
  started = performance.now();
  await catalogue(new DecodedImageCache());
  cached.push((performance.now() - started) / designs.length);
}
console.log(`catalogue, t-shirt x 20 designs: ${median(independent).toFixed(1)} ms a mockup as independent calls, ${median(cached).toFixed(1)} ms through one cache (${(median(independent) / median(cached)).toFixed(2)}x)`);
