import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { mapTemplateImages, templatePlaceholders, type MockupTemplate } from '../../library/mockup.js';
import { UsageError } from '../errors.js';
import { closestName } from '../suggest.js';

/** A template as read: image paths already resolved against its folder. */
export interface Template {
  readonly path: string;
  readonly request: MockupTemplate;
}

/** Reads a template; a missing file or one that is not a JSON object is a usage error naming it. */
export async function readTemplate(path: string): Promise<Template> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new UsageError(`Could not read the template ${path}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`Expected ${path} to hold a mockup template in JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`Expected ${path} to hold a mockup template, a JSON object with base_image and layers`);
  }
  const folder = dirname(resolve(path));
  return { path, request: mapTemplateImages(parsed as MockupTemplate, (value) => fromFolder(folder, value)) };
}

/** Characters of base64: such a string may be an image itself, so it is taken as a path only when that file is there. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A relative path written in the template, resolved against its folder; placeholders, URLs, data: URIs and base64 left alone. */
function fromFolder(folder: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (text === '' || isAbsolute(text) || /^\{\{.*\}\}$/.test(text) || /^[a-z][a-z0-9+.-]*:/i.test(text)) return value;
  const path = join(folder, text);
  return existsSync(path) || !BASE64.test(text) ? path : value;
}

/** One `NAME=VALUE` of a flag; `what` is how the usage writes the value. */
export function assignment(value: string, flag: string, what: string): [name: string, value: string] {
  const equals = value.indexOf('=');
  const name = value.slice(0, equals);
  if (equals <= 0 || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`Expected ${flag} NAME=${what}, NAME a placeholder of the template, but received ${flag} ${value}`);
  return [name, value.slice(equals + 1)];
}

/** `--set NAME=IMAGE` values by name; a malformed or repeated one is named. */
export function assignments(values: readonly string[], flag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of values.map((text) => assignment(text, flag, 'IMAGE'))) {
    if (found.has(name)) throw new UsageError(`${flag} ${name} is given twice: give each placeholder one value`);
    found.set(name, value);
  }
  return found;
}

/**
 * Refuses, before any work, a value for a name the template does not hold
 * (with the closest it does) and a placeholder left without a value.
 * `given` maps each name to the flag that gave it.
 */
export function checkPlaceholders(template: Template, given: ReadonlyMap<string, string>, missingHint: (name: string) => string): void {
  const named = templatePlaceholders(template.request);
  const known = [...named.keys()];
  for (const [name, flag] of given) {
    if (named.has(name)) continue;
    const suggestion = closestName(name, known);
    const has = known.length > 0 ? `it has ${known.map((n) => `{{${n}}}`).join(', ')}` : 'it has none';
    throw new UsageError(`${flag} ${name}: ${template.path} has no placeholder {{${name}}}${suggestion ? `; did you mean ${suggestion}?` : ''} (${has})`);
  }
  for (const [name, field] of named) {
    if (!given.has(name)) throw new UsageError(`${template.path} has {{${name}}} in ${field} but no value for it: ${missingHint(name)}`);
  }
}
