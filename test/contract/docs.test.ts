import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parameterTableMarkdown } from '../../src/contract/docs.js';

describe('README parameter table', () => {
  it('is the one generated from the parameter table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const table = /<!-- parameters:start -->\n([\s\S]*?)\n<!-- parameters:end -->/.exec(readme)?.[1];
    expect(table).toBe(parameterTableMarkdown());
  });
});
