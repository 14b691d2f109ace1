import { describe } from 'vitest';
import { cropRgba, rgba, wholeOf, type Rect, type Rgba } from '../../../src/engine/raster.js';
import { rotatedSize, rotateOverlay, rotationSource } from '../../../src/engine/rotate.js';
import { loadKernels } from '../../../src/engine/wasm/kernels.js';
import { everyColourAtEveryAlpha } from '../../helpers/every-colour.js';
import { itMatchesReference, randomCases, type CaseLabel, type KernelCase } from '../../helpers/kernel-cases.js';
import { expectSharedScratchWithinBudget } from '../../helpers/kernels.js';
import { alphaKindFor, random, randomBlocks, randomOverlay } from '../../helpers/random.js';
import { referenceRotate } from '../../helpers/rotate-reference.js';

/** Rotates `output` of the turned canvas (all of it unless given) both ways, from just the source it needs. */
function rotation(label: CaseLabel, image: Rgba, degrees: number, output: Rect = wholeOf(rotatedSize(image, degrees))): KernelCase {
  const source = rotationSource(image, degrees, output);
  const part = cropRgba(image, source);
  const region = { overlay: image, source, output };
  return { label, kernel: () => rotateOverlay(part, degrees, region).data, reference: () => referenceRotate(part, degrees, region).data };
}

const SPECIAL_ANGLES = [90, 180, 270, 45, 0.001, 89.999, 359.5, 135, 30];

describe('rotation WebAssembly kernels', () => {
  itMatchesReference([
    {
      name: 'give the scalar reference bytes on 400 random overlays, angles and output regions',
      cases: () =>
        randomCases(20261121, 400, (next, round) => {
          const alphaKind = alphaKindFor(round);
          const image = randomOverlay(next, 1 + Math.floor(next() * 40), 1 + Math.floor(next() * 40), alphaKind);
          const degrees = round % 2 ? SPECIAL_ANGLES[round % SPECIAL_ANGLES.length]! : next() * 360;
          const canvas = rotatedSize(image, degrees);
          const x = Math.floor(next() * canvas.width);
          const y = Math.floor(next() * canvas.height);
          const output = round % 4 === 0 ? wholeOf(canvas) : { x, y, width: 1 + Math.floor(next() * (canvas.width - x)), height: 1 + Math.floor(next() * (canvas.height - y)) };
          return rotation({ alphaKind, size: [image.width, image.height], degrees, output }, image, degrees, output);
        }),
    },
    {
      name: 'give the scalar reference bytes on 300 random overlays of flat shapes, where sixteen equal taps take a shortcut',
      cases: () =>
        randomCases(4077, 300, (next, round) => {
          const alphaKind = alphaKindFor(round);
          const image = randomBlocks(next, 1 + Math.floor(next() * 60), 1 + Math.floor(next() * 60), alphaKind, 8, 30);
          const degrees = next() * 360;
          return rotation({ alphaKind, size: [image.width, image.height], degrees }, image, degrees);
        }),
    },
    {
      name: 'give the reference bytes for flat blocks of every alpha, premultiplied and back',
      // 5x5 blocks: alpha a down the rows, colour c (every fifth) along them.
      cases: () => {
        const colours = Array.from({ length: 52 }, (_, k) => k * 5);
        const image = rgba(colours.length * 5, 256 * 5);
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            const a = Math.floor(y / 5);
            const c = colours[Math.floor(x / 5)]!;
            image.data.set([c, 255 - c, c ^ a, a], (y * image.width + x) * 4);
          }
        }
        return [rotation({ degrees: 10 }, image, 10)];
      },
    },
    {
      name: 'give the reference bytes for every colour at every alpha, premultiplied and back',
      // Pixel (c, a) of a 256x256 image has colour c and alpha a: every pair meets
      // MULDIV255 and the truncating division, in quarter turns and at 10°.
      *cases() {
        const image = everyColourAtEveryAlpha();
        for (const degrees of [90, 180, 270, 10]) yield rotation({ degrees }, image, degrees);
      },
    },
    {
      name: 'rotate an overlay too large for the shared scratch area in an instance of its own',
      *cases() {
        const image = randomOverlay(random(5), 1700, 1300, 'edges'); // 8.8 MB
        for (const degrees of [17, 90]) yield rotation({ degrees }, image, degrees);
      },
      afterwards: () => expectSharedScratchWithinBudget(loadKernels()),
    },
  ]);
});
