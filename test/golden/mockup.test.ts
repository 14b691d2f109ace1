import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeMockupFigures, MOCKUP_TOLERANCE, mockupCaseNames, verifyMockupCase } from '../helpers/mockup-cases.js';

/**
 * The mockup reference renders (golden/mockup/, copied from the shared
 * reference): each case's request rendered through the library and held to
 * MOCKUP.md's tolerance.
 */
const DIR = fileURLToPath(new URL('../../golden/mockup/', import.meta.url));
const cases = mockupCaseNames(DIR);
const lines: string[] = [];

describe('mockup reference renders', () => {
  it('has the reference cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(cases)('%s is within MOCKUP.md tolerance', async (name) => {
    const figures = await verifyMockupCase(DIR, name);
    const line = `${name}: ${describeMockupFigures(figures)}`;
    lines.push(line);
    expect(figures.meanError, line).toBeLessThanOrEqual(MOCKUP_TOLERANCE.maxMeanError);
    expect(figures.farPixels / figures.comparedPixels, line).toBeLessThanOrEqual(MOCKUP_TOLERANCE.maxFarShare);
  });

  afterAll(() => {
    console.log(`mockup references:\n  ${lines.join('\n  ')}`);
  });
});
