/**
 * Renders every example of examples/examples.json to examples/NAME/result.jpg
 * through the library, its template filled with its design, as
 * `superimpose mockup examples/NAME/template.json --set design=examples/DESIGN --out examples/NAME/result.jpg`
 * does. test/examples.test.ts checks the results are current.
 * Usage: npx tsx tools/examples/render.ts
 */
import { writeFileSync } from 'node:fs';
import { examples, renderExample, resultPath } from '../../test/helpers/examples.js';

for (const example of examples()) {
  const { data } = await renderExample(example);
  writeFileSync(resultPath(example), data);
  console.log(`${resultPath(example)}: ${data.length} bytes`);
}
