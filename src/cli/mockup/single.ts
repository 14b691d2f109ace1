import { parseMockupRequest } from '../../contract/mockup.js';
import { fillTemplate } from '../../library/mockup.js';
import { renderMockupRequest } from '../../runtime/mockup.js';
import { EXIT } from '../errors.js';
import { cliRenderOptions, type CliIo } from '../io.js';
import { checkOutputPath, outputFormatFor, writeOutput, type OutputNames } from '../output.js';
import type { Template } from './template.js';

/** How output messages name the template's own settings. */
const TEMPLATE_OUTPUT_NAMES: OutputNames = { out: '--out', imageFormat: `the template's "image_format"`, base64: `the template's "base64"` };

/** One mockup: the template filled with `values`, written to `out` (- for standard output). */
export async function renderOne(template: Template, values: ReadonlyMap<string, string>, out: string, io: CliIo): Promise<number> {
  const { request } = template;
  // compose's rule: the template's image_format, else OUT's extension.
  const format = outputFormatFor(out, { imageFormat: request['image_format'], base64: request['base64'] }, TEMPLATE_OUTPUT_NAMES);
  if (out !== '-') await checkOutputPath(out, '--out');
  const params = parseMockupRequest(fillTemplate(format ? { ...request, image_format: format } : request, Object.fromEntries(values)));
  const { data } = await renderMockupRequest(params, cliRenderOptions(io));
  const output = params.base64 ? `${data.toString('base64')}\n` : data;
  if (out === '-') io.stdout.write(output);
  else await writeOutput(out, output, '--out');
  return EXIT.ok;
}
