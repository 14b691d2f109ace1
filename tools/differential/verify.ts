/**
 * Holds the library to a folder in the golden layout, case by case, and counts
 * the bit-exact ones. Usage: npx tsx tools/differential/verify.ts DIR
 */
import { describeComparison, loadGoldenCases, verifyGoldenCase } from '../../src/golden/suite.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: verify.ts DIR');
const cases = await loadGoldenCases(dir);
let exact = 0;
for (const goldenCase of cases) {
  const verdict = await verifyGoldenCase(dir, goldenCase);
  if (verdict.exact) exact++;
  else console.log(`${goldenCase.name} ${JSON.stringify(goldenCase.params)}: ${describeComparison(verdict.comparison)}`);
}
console.log(`${exact}/${cases.length} bit-exact`);
process.exitCode = exact === cases.length ? 0 : 1;
