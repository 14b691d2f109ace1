import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fillTemplate, mockup, type MockupTemplate } from '../../src/index.js';
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

/** The template with its own image paths made relative to its folder, as the CLI reads it. */
function template(example: Example): MockupTemplate {
  const folder = `${ROOT}${example.name}/`;
  const raw = JSON.parse(readFileSync(`${folder}template.json`, 'utf8')) as MockupTemplate;
  const local = (value: unknown) => (typeof value === 'string' && !value.startsWith('{{') && value !== 'base' ? `${folder}${value}` : value);
  return JSON.parse(JSON.stringify(raw), (key: string, value: unknown) => (['base_image', 'image', 'clip', 'map'].includes(key) ? local(value) : value)) as MockupTemplate;
}

export const renderExample = (example: Example): Promise<SuperimposeResult> => mockup(fillTemplate(template(example), { design: `${ROOT}${example.design}` }));
