import { defaultText, expectationOf, type ParameterTable } from './parameters.js';
import { SUPERIMPOSE_PARAMETERS } from './superimpose.js';

/** A Markdown table of a parameter table, for the README. */
export function parameterTableMarkdown(table: ParameterTable = SUPERIMPOSE_PARAMETERS): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const fallback = defaultText(spec);
    const shown = fallback === 'required' || fallback === '' ? fallback || 'none' : `\`${fallback}\``;
    return `| \`${name}\` | ${shown} | ${expectationOf(spec).replace(/\|/g, '\\|')} | ${spec.description} |`;
  });
  return ['| parameter | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
