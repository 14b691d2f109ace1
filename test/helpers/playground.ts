import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs build script, without types.
import { buildPlayground } from '../../tools/build-playground.mjs';

/**
 * The playground page built into a folder of its own: tests do not depend on
 * dist/, which a concurrent `npm run build` may be emptying.
 */
export async function builtPlayground(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'playground-'));
  return (await (buildPlayground as (out: string) => Promise<string>)(folder));
}
