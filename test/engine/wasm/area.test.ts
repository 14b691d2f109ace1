import { describe } from 'vitest';
import { RESAMPLE_PLANNERS } from '../../../src/engine/resample.js';
import { MAX_PASS_COLUMNS, MAX_PASS_SPAN } from '../../../src/engine/wasm/passes.js';
import { referenceArea } from '../../helpers/area-reference.js';
import { everyColourRows, TEN_ALPHAS } from '../../helpers/every-colour.js';
import { itMatchesReference } from '../../helpers/kernel-cases.js';
import { random, randomOverlay } from '../../helpers/random.js';
import { randomResizeTest, resampleAgainst } from '../../helpers/resample-cases.js';

const area = resampleAgainst(RESAMPLE_PLANNERS.area, referenceArea);

describe('area WebAssembly kernel', () => {
  itMatchesReference([
    randomResizeTest(area, { seed: 20261121, rounds: 600, maxSource: 64, maxOutput: 96 }),
    {
      name: 'gives the reference bytes for every colour at ten alphas, averaged in windows of 1 to 3',
      *cases() {
        for (const alpha of TEN_ALPHAS) {
          const src = everyColourRows(alpha, 3);
          for (const size of [{ width: 256, height: 1 }, { width: 100, height: 2 }, { width: 256, height: 3 }]) yield area({ alpha, size }, src, size);
        }
      },
    },
    {
      name: `splits rows wider than ${MAX_PASS_COLUMNS} output columns into passes that join seamlessly`,
      cases: () => {
        const size = { width: MAX_PASS_COLUMNS * 2 + 123, height: 5 };
        return [area({ size }, randomOverlay(random(7), 4000, 3, 'edges'), size, { x: 17, y: 1, width: size.width - 20, height: 4 })];
      },
    },
    {
      name: `copies at most ${MAX_PASS_SPAN} source pixels a row per pass, however hard it shrinks`,
      *cases() {
        const src = randomOverlay(random(11), MAX_PASS_SPAN * 2 + 5, 2, 'any');
        for (const size of [{ width: 3, height: 1 }, { width: 1, height: 1 }]) yield area({ size }, src, size);
      },
    },
  ]);
});
