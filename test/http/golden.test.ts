import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compareToExpectation } from '../../src/golden/compare.js';
import { expectedPath, loadGoldenCases } from '../../src/golden/suite.js';
import { buildApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/http.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../golden/', import.meta.url));
const cases = await loadGoldenCases(GOLDEN_DIR);
const app = buildApp(testConfig());
afterAll(() => app.close());

const base64 = async (relative: string) => (await readFile(join(GOLDEN_DIR, relative))).toString('base64');

describe('golden cases through HTTP', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s is bit-exact over POST /v1/superimpose', async (_name, goldenCase) => {
    const payload = {
      base_image: await base64(goldenCase.base),
      overlay_image: await base64(goldenCase.overlay),
      ...(goldenCase.mask ? { mask: await base64(goldenCase.mask) } : {}),
      ...goldenCase.params,
      image_format: 'png',
    };
    const res = await app.inject({ method: 'POST', url: '/v1/superimpose', payload });
    expect(res.statusCode).toBe(200);
    const comparison = await compareToExpectation(res.rawPayload, expectedPath(GOLDEN_DIR, goldenCase.name));
    expect(comparison).toMatchObject({ kind: 'compared', maxError: 0 });
  });
});
