import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertMayUpdate,
  describeComparison,
  loadGoldenCases,
  updateGoldenCase,
  verifyGoldenCase,
  writeFailureArtifacts,
  type GoldenVerdict,
} from '../../src/golden/suite.js';
import { describeTolerance } from '../../src/golden/tolerance.js';

const GOLDEN_DIR = fileURLToPath(new URL('../../golden/', import.meta.url));
const FAILURES_DIR = fileURLToPath(new URL('../../golden-failures/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

const cases = await loadGoldenCases(GOLDEN_DIR);
const verdicts: GoldenVerdict[] = [];

describe('golden references', () => {
  it('has the shared reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s matches its expectation (exactly, unless its case file carries a tolerance)', async (_name, goldenCase) => {
    if (UPDATE) {
      assertMayUpdate(process.env);
      await updateGoldenCase(GOLDEN_DIR, goldenCase, process.env);
    }
    const verdict = await verifyGoldenCase(GOLDEN_DIR, goldenCase);
    verdicts.push(verdict);
    if (!verdict.pass || !verdict.exact) await writeFailureArtifacts(FAILURES_DIR, verdict);
    const { comparison } = verdict;
    if (comparison.kind !== 'compared') throw new Error(describeComparison(comparison));
    expect(verdict.pass, `${describeComparison(comparison)}, allowed: ${describeTolerance(verdict.tolerance)}`).toBe(true);
  });

  // Zero error is the goal and was reached: a change that costs exactness must say so here.
  it('reproduces every case bit-exactly', () => {
    const inexact = verdicts.filter((v) => !v.exact).map((v) => `${v.name}: ${describeComparison(v.comparison)}`);
    expect(inexact).toEqual([]);
  });

  afterAll(() => {
    const exact = verdicts.filter((v) => v.exact).length;
    console.log(`golden: ${exact}/${verdicts.length} cases bit-exact`);
  });
});

describe('UPDATE_GOLDEN', () => {
  it('is refused when CI is set', () => {
    expect(() => assertMayUpdate({ CI: 'true' })).toThrow(/CI/);
    expect(() => assertMayUpdate({})).not.toThrow();
  });
});
