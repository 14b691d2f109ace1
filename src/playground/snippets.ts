import type { PickedImage, RequestTree } from './request.js';

/** An image in a snippet: read from the file of this name, beside the snippet. */
export interface FileImage {
  readonly file: string;
}

export const fromFile = (picked: PickedImage): FileImage => ({ file: picked.name });

export interface SnippetTarget {
  /** The endpoint, absolute: `http://127.0.0.1:8080/v1/mockup`. */
  readonly url: string;
  /** Whether the server asks for x-api-key: the snippet then reads it from API_KEY in the environment, never from its text. */
  readonly keyRequired: boolean;
  /** The file the answer is written to. */
  readonly output: string;
  /** The name the script is saved under, without its extension: mockup.py, superimpose.mjs. */
  readonly stem: string;
}

/** The environment variable the snippets read the key from. */
export const KEY_VARIABLE = 'API_KEY';

type Tree = RequestTree<FileImage>;

const isFile = (value: Tree): value is FileImage => typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as FileImage).file === 'string' && Object.keys(value).length === 1;

/** The file an output format is written to by default. */
export const outputName = (stem: string, format: unknown, base64: unknown): string =>
  base64 === true ? `${stem}.json` : `${stem}.${format === 'png' ? 'png' : format === 'webp' ? 'webp' : 'jpg'}`;

/** A shell word in single quotes; a quote inside is closed, escaped and reopened. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A file name as a comment shows it: a control character (a newline would end the comment, and the rest run) as U+FFFD. */
export const commentSafe = (name: string): string => name.replace(/[\p{Cc}\u2028\u2029]/gu, '\uFFFD');

/**
 * The request's JSON cut where each image goes: text, file, text, …, text.
 * The images' own quotes stay in the text, so the file's base64 is printed between them.
 */
function jsonAroundFiles(tree: Tree): { texts: string[]; files: string[] } {
  const files: string[] = [];
  const marker = (i: number) => `\u0000file${i}\u0000`;
  const json = JSON.stringify(tree, (_key, value: Tree) => {
    if (!isFile(value)) return value;
    files.push(value.file);
    return marker(files.length - 1);
  });
  const texts: string[] = [];
  let rest = json;
  files.forEach((_file, i) => {
    const escaped = JSON.stringify(marker(i)).slice(1, -1);
    const at = rest.indexOf(escaped);
    texts.push(rest.slice(0, at));
    rest = rest.slice(at + escaped.length);
  });
  texts.push(rest);
  return { texts, files };
}

/** A shell script: the body printed piece by piece, each image by `base64 -w0` from its file, piped into curl. */
export function curlSnippet(tree: Tree, target: SnippetTarget): string {
  const { texts, files } = jsonAroundFiles(tree);
  const body: string[] = [];
  texts.forEach((text, i) => {
    if (text !== '') body.push(`  printf '%s' ${shellQuote(text)}`);
    const file = files[i];
    if (file !== undefined) body.push(`  base64 -w0 ${shellQuote(file)}`);
  });
  const headers = [`-H 'content-type: application/json'`, ...(target.keyRequired ? [`-H "x-api-key: $${KEY_VARIABLE}"`] : [])];
  return [
    '#!/usr/bin/env bash',
    `# Run in the folder that holds ${[...new Set(files)].map(commentSafe).join(', ')}${target.keyRequired ? `, with ${KEY_VARIABLE} set to your key` : ''}; writes ${target.output}.`,
    '# (macOS: base64 -i FILE instead of base64 -w0 FILE.)',
    'set -euo pipefail',
    '{',
    ...body,
    `} | curl -sS --fail-with-body -X POST ${shellQuote(target.url)} ${headers.join(' ')} --data-binary @- -o ${shellQuote(target.output)}`,
    '',
  ].join('\n');
}

/** A literal in Python or JavaScript, indented; each image a call of `b64` on its file name. */
function literal(value: Tree, language: 'python' | 'javascript', indent: string): string {
  const inner = `${indent}    `;
  if (isFile(value)) return `b64(${JSON.stringify(value.file)})`;
  if (typeof value === 'boolean') return language === 'python' ? (value ? 'True' : 'False') : String(value);
  // null, and a number JSON has no form for (JSON.stringify writes null): None in Python.
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return language === 'python' ? 'None' : 'null';
  if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    const items = value.map((item: Tree) => literal(item, language, inner));
    // Points and short lists of numbers on one line: quads read as quads.
    if (value.every((item: Tree) => typeof item === 'number' || (Array.isArray(item) && item.every((n: Tree) => typeof n === 'number')))) return `[${items.join(', ')}]`;
    return `[\n${items.map((item) => `${inner}${item},`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: Tree });
  const key = (name: string) => (language === 'javascript' && /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)}: ${literal(item, language, inner)},`).join('\n')}\n${indent}}`;
}

/** A Python script with requests: images read with open(...).read(), the answer written to the output file. */
export function pythonSnippet(tree: Tree, target: SnippetTarget): string {
  const headers = target.keyRequired ? `{"x-api-key": os.environ[${JSON.stringify(KEY_VARIABLE)}]}` : '{}';
  return [
    `# Save as ${target.stem}.py in the folder that holds the images and run${target.keyRequired ? `, with ${KEY_VARIABLE} set to your key` : ''}: python3 ${target.stem}.py (needs: pip install requests)`,
    'import base64',
    ...(target.keyRequired ? ['import os'] : []),
    '',
    'import requests',
    '',
    '',
    'def b64(path):',
    '    with open(path, "rb") as f:',
    '        return base64.b64encode(f.read()).decode("ascii")',
    '',
    '',
    `request = ${literal(tree, 'python', '')}`,
    '',
    `response = requests.post(${JSON.stringify(target.url)}, json=request, headers=${headers}, timeout=120)`,
    'if not response.ok:',
    '    raise SystemExit(f"{response.status_code}: {response.text}")',
    `with open(${JSON.stringify(target.output)}, "wb") as f:`,
    '    f.write(response.content)',
    '',
  ].join('\n');
}

/** A Node script (an ES module, Node 18 or later) with fetch: images read with fs.readFileSync, the answer written to the output file. */
export function javascriptSnippet(tree: Tree, target: SnippetTarget): string {
  const headers = [`'content-type': 'application/json'`, ...(target.keyRequired ? [`'x-api-key': process.env.${KEY_VARIABLE}`] : [])];
  return [
    `// Save as ${target.stem}.mjs in the folder that holds the images and run: node ${target.stem}.mjs${target.keyRequired ? ` (with ${KEY_VARIABLE} set to your key)` : ''}`,
    `import fs from 'node:fs';`,
    '',
    `const b64 = (path) => fs.readFileSync(path).toString('base64');`,
    '',
    `const request = ${literal(tree, 'javascript', '')};`,
    '',
    `const response = await fetch(${JSON.stringify(target.url)}, {`,
    `    method: 'POST',`,
    `    headers: { ${headers.join(', ')} },`,
    '    body: JSON.stringify(request),',
    '});',
    'if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);',
    `fs.writeFileSync(${JSON.stringify(target.output)}, Buffer.from(await response.arrayBuffer()));`,
    '',
  ].join('\n');
}
