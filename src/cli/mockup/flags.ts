import { MOCKUP_DISPLACEMENT_PARAMETERS, MOCKUP_LAYER_PARAMETERS, MOCKUP_PARAMETERS } from '../../contract/mockup.js';
import type { ParameterTable } from '../../contract/parameters.js';
import { flagHelp, type DocumentedFlag } from '../flags.js';

/** The mockup command's flags: the parser's table and the help's lines. */
export const MOCKUP_FLAGS = {
  set: {
    kind: 'string',
    multiple: true,
    placeholder: 'NAME=IMAGE',
    value: 'NAME=IMAGE, a placeholder of the template and its image',
    help: 'fills {{NAME}} with IMAGE: a file (from the current\nfolder), an http(s) URL or base64; once per placeholder',
  },
  each: {
    kind: 'string',
    placeholder: "NAME='GLOB'",
    value: "NAME='GLOB', a placeholder of the template and the files to fill it with",
    help: 'one mockup per file the glob matches (quote it, so the\nshell leaves it alone), each filling {{NAME}}; the base\nand every other input are decoded once for all of them',
  },
  out: { kind: 'string', placeholder: 'OUT', value: 'a file name, or - for standard output', help: 'without --each: the file to write (- for standard output)' },
  'out-dir': {
    kind: 'string',
    placeholder: 'DIR',
    value: 'the folder to write into',
    help: 'with --each: the folder to write into, each file named\nafter its input (logos/logo-1.png -> DIR/logo-1.jpg)',
  },
  concurrency: { kind: 'string', placeholder: 'N', value: 'integer of at least 1', help: 'with --each: mockups rendered at once (default: the\ncores, at most 4)' },
} as const satisfies Record<string, DocumentedFlag>;

const imageRows = (table: ParameterTable, prefix: string): string[] =>
  Object.entries(table)
    .filter(([, spec]) => spec.kind === 'image')
    .map(([name]) => `${prefix}${name}`);

/** The template's image fields, from the contract's tables: where a placeholder may stand. */
const IMAGE_FIELDS = [...imageRows(MOCKUP_PARAMETERS, ''), ...imageRows(MOCKUP_LAYER_PARAMETERS, 'layers[].'), ...imageRows(MOCKUP_DISPLACEMENT_PARAMETERS, 'layers[].displacement.')];

export const MOCKUP_HELP = `Usage: superimpose mockup TEMPLATE.json --set NAME=IMAGE [--set …] --out OUT
       superimpose mockup TEMPLATE.json --each NAME='GLOB' --out-dir DIR [--set …] [--concurrency N]

TEMPLATE.json is a mockup request (the JSON of POST /v1/mockup) whose image
fields may be placeholders "{{NAME}}", each filled by --set or --each:
  ${IMAGE_FIELDS.join(', ')}.
Paths written in the template are relative to its folder; --set paths and
--each globs, to the current folder.

Flags:
${flagHelp(MOCKUP_FLAGS)}

Output format: the template's "image_format"; without one, OUT's extension
decides, as for compose (.jpg or .jpeg: jpeg, .png, .webp; none, or -: jpeg),
and with --each it is jpeg. A template with "base64": true writes base64 text
(with --each, to NAME.b64). A render that fails exits 3 for an unreadable input
and 2 for a refused parameter; with --each every good mockup is written, the
failed ones are named at the end, and the exit code is then 1.

Example template, shirt.json:
  {"base_image": "shirt.jpg", "image_format": "png",
   "layers": [{"image": "{{design}}", "quad": [[310, 260], [520, 275], [505, 520], [300, 500]],
               "displacement": {"map": "base", "strength": 6}}]}

Examples:
  superimpose mockup shirt.json --set design=logo.png --out shirt-logo.png
  superimpose mockup shirt.json --each design='logos/*.png' --out-dir mockups`;
