import { parseSuperimposeRequest } from '../contract/superimpose.js';
import { renderSuperimpose } from '../runtime/render.js';
import { parseCommandLine } from './args.js';
import { UsageError } from './errors.js';
import { parameterFlags, parameterHelp, requestFromFlags } from './flags.js';
import { cliRenderOptions, stdinOnce, type CliIo } from './io.js';
import { checkOutputPath, outputFormatFor, writeOutput } from './output.js';

export const COMPOSE_HELP = `Usage: superimpose compose --base B --overlay O [--mask M] [parameters] --out OUT

Lays O over B and writes OUT. Images are paths, http(s) URLs, base64, or - for
standard input; --out - writes to standard output. A name that is neither a
file nor the base64 of an image is reported as "no such file".

Output format: without --image-format, OUT's extension decides (.jpg or .jpeg:
jpeg, .png, .webp; no extension, or -: jpeg). An --image-format that contradicts
the extension is refused, as is any other extension. --base64 writes base64 text,
so it goes to standard output or a text file (.txt, .b64), never to a name
ending in an image extension. OUT must name a file: a folder, or a file in a
folder that does not exist, is refused before anything is rendered.

Parameters (the API's, in kebab-case; the API's own names, such as
--rescale_factor or --base_image, work too; negative numbers as --x-offset -50
or --x-offset=-50):
${parameterHelp()}

Examples:
  superimpose compose --base golden/inputs/square-1024.jpg --overlay golden/inputs/test-pattern.png \\
    --rescale-factor 0.4 --resize-method bilinear --x-offset 320 --y-offset 620 --out mockup.jpg
  cat logo.png | superimpose compose --base shirt.jpg --overlay - --rotation 15 --image-format png --out - > out.png
  superimpose compose --base shirt.jpg --overlay logo.png --x-offset -50 --base64 --out mockup.b64`;

const IMAGE_FLAGS = [
  ['base_image', '--base'],
  ['overlay_image', '--overlay'],
  ['mask', '--mask'],
] as const;

export async function composeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...parameterFlags(), out: { kind: 'string', value: 'a file name, or - for standard output' } }, 'compose');
  if (positionals.length > 0) throw new UsageError(`Unexpected argument ${positionals[0]}: compose takes only flags (see superimpose compose --help)`);
  const out = values['out'];
  if (typeof out !== 'string') throw new UsageError('Expected --out with a file name, or - for standard output');
  if (typeof values['base'] !== 'string' || typeof values['overlay'] !== 'string') throw new UsageError('Expected --base and --overlay');

  const request = requestFromFlags(values);
  const format = outputFormatFor(out, { imageFormat: request['image_format'], base64: request['base64'] });
  if (format) request['image_format'] = format;
  if (out !== '-') await checkOutputPath(out, '--out');
  // Parameters are checked before standard input is read, so a typo does not cost a pipe.
  const params = parseSuperimposeRequest(request);
  const readStdin = stdinOnce(io);
  for (const [field, flag] of IMAGE_FLAGS) {
    if (params[field] === '-') params[field] = await readStdin(flag);
  }

  const { data } = await renderSuperimpose(params, cliRenderOptions(io));
  const output = request['base64'] === true ? `${data.toString('base64')}\n` : data;
  if (out === '-') io.stdout.write(output);
  else await writeOutput(out, output, '--out');
  return 0;
}
