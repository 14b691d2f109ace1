import { describe } from 'vitest';
import { RESAMPLE_PLANNERS } from '../../../src/engine/resample.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { everyColourAtEveryAlpha } from '../../helpers/every-colour.js';
import { itMatchesReference } from '../../helpers/kernel-cases.js';
import { referenceNearestExact } from '../../helpers/nearest-reference.js';
import { random, randomBlocks, randomOverlay } from '../../helpers/random.js';
import { randomResizeTest, resampleAgainst } from '../../helpers/resample-cases.js';

const nearest = resampleAgainst(RESAMPLE_PLANNERS['nearest-exact'], referenceNearestExact);

describe('nearest-exact WebAssembly kernel', () => {
  itMatchesReference([
    randomResizeTest(nearest, {
      seed: 20261122,
      rounds: 600,
      maxSource: 48,
      maxOutput: 120,
      source: (next, width, height, alphaKind, round) => (round % 2 ? randomBlocks(next, width, height, alphaKind, 6, 16) : randomOverlay(next, width, height, alphaKind)),
      sourceKinds: 'noisy and flat',
    }),
    {
      name: 'gives the reference bytes for every colour at every alpha, alone and in runs',
      // Row a holds colour c at alpha a; enlarged 3x across, each pixel also repeats.
      *cases() {
        const src = everyColourAtEveryAlpha();
        for (const size of [{ width: 256, height: 256 }, { width: 768, height: 300 }]) yield nearest({ size }, src, size);
      },
    },
    {
      name: 'copies output rows that share a source row, within the window',
      // 3 source rows to 10: rows repeat 3, 4 and 3 times; a window starting mid-run.
      cases: () => [nearest({}, randomOverlay(random(3), 7, 3, 'any'), { width: 11, height: 10 }, { x: 2, y: 2, width: 8, height: 7 })],
    },
    {
      name: `splits rows wider than ${MAX_PASS_COLUMNS} output columns, and spans over ${MAX_PASS_SPAN} pixels, into passes that join seamlessly`,
      *cases() {
        const wideSize = { width: MAX_PASS_COLUMNS * 2 + 123, height: 7 };
        yield nearest({ src: [3001, 3], size: wideSize }, randomOverlay(random(7), 3001, 3, 'edges'), wideSize, { x: 17, y: 1, width: wideSize.width - 20, height: 6 });
        const long = randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any');
        yield nearest({ src: [long.width, long.height], size: { width: 5, height: 2 } }, long, { width: 5, height: 2 });
      },
    },
  ]);
});
