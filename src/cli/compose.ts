import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseSuperimposeRequest } from '../contract/superimpose.js';
import { renderSuperimpose } from '../runtime/render.js';
import { UsageError } from './errors.js';
import { formatFromName, parameterHelp, parameterOptions, requestFromFlags } from './flags.js';
import { cliRenderOptions, readStdin } from './io.js';

export const COMPOSE_HELP = `Usage: superimpose compose --base B --overlay O [--mask M] [parameters] --out OUT

Lays O over B and writes OUT. Images are paths, http(s) URLs, or - for standard
input; --out - writes to standard output. The format follows OUT's extension
(.jpg .png .webp) unless --image-format is given.

Parameters (the API's, in kebab-case):
${parameterHelp()}

Examples:
  superimpose compose --base golden/inputs/square-1024.jpg --overlay golden/inputs/test-pattern.png \\
    --rescale-factor 0.4 --resize-method bilinear --x-offset 320 --y-offset 620 --out mockup.jpg
  cat logo.png | superimpose compose --base shirt.jpg --overlay - --rotation 15 --out - > out.png`;

export async function composeCommand(args: string[]): Promise<number> {
  const parsed = parseArgs({ args, options: { ...parameterOptions(), out: { type: 'string' } }, allowPositionals: true, strict: true });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const { positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}: compose takes only flags (see superimpose compose --help)`);
  const out = values['out'];
  if (typeof out !== 'string') throw new UsageError('Expected --out with a file name, or - for standard output');
  if (typeof values['base'] !== 'string' || typeof values['overlay'] !== 'string') throw new UsageError('Expected --base and --overlay');

  const request = requestFromFlags(values);
  for (const field of ['base_image', 'overlay_image', 'mask'] as const) {
    if (request[field] === '-') request[field] = await readStdin();
  }
  request['image_format'] ??= (out === '-' ? undefined : formatFromName(out)) ?? 'jpeg';

  const { data } = await renderSuperimpose(parseSuperimposeRequest(request), cliRenderOptions());
  const output = request['base64'] === true ? `${data.toString('base64')}\n` : data;
  if (out === '-') process.stdout.write(output);
  else await writeFile(out, output);
  return 0;
}
