import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTemplate } from '../../src/cli/mockup/template.js';
import { fillTemplate, mockup } from '../../src/index.js';
import type { SuperimposeResult } from '../../src/runtime/render.js';

/** The examples of the README: a product photo's template, filled with a design. */
export interface Example {
  readonly name: string;
  readonly design: string;
  readonly shows: string;
}

const ROOT = fileURLToPath(new URL('../../examples/', import.meta.url));

export const examples = (): Example[] => JSON.parse(readFileSync(`${ROOT}examples.json`, 'utf8')) as Example[];
export const resultPath = (example: Example): string => `${ROOT}${example.name}/result.jpg`;

/** The example's template as `superimpose mockup` reads it (paths from its folder), filled with its design. */
export async function renderExample(example: Example): Promise<SuperimposeResult> {
  const { request } = await readTemplate(`${ROOT}${example.name}/template.json`);
  return mockup(fillTemplate(request, { design: `${ROOT}${example.design}` }));
}
