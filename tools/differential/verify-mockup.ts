/**
 * Holds the library's mockup to a folder in the mockup-reference layout (the
 * shared references, or random cases from make_mockup_cases.py), case by case,
 * within MOCKUP.md's tolerance. Usage: npx tsx tools/differential/verify-mockup.ts DIR
 */
import { describeMockupFigures, mockupCaseNames, verifyMockupCase } from '../../test/helpers/mockup-cases.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: verify-mockup.ts DIR');
const names = mockupCaseNames(dir);
let within = 0;
let worstMean = 0;
let worstMax = 0;
for (const name of names) {
  const figures = await verifyMockupCase(dir, name).catch((error: unknown) => {
    console.log(`${name}: ${(error as Error).message}`);
    return undefined;
  });
  if (!figures) continue;
  worstMean = Math.max(worstMean, figures.meanError);
  worstMax = Math.max(worstMax, figures.maxError);
  if (figures.within) within++;
  else console.log(`${name}: ${describeMockupFigures(figures)}`);
}
console.log(`${within}/${names.length} within MOCKUP.md's tolerance; worst mean error ${worstMean.toFixed(6)}, worst channel ${worstMax} levels`);
process.exitCode = within === names.length ? 0 : 1;
