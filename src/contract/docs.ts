import { expectationOf, SUPERIMPOSE_PARAMETERS, type ParameterSpec } from './superimpose.js';

function defaultOf(spec: ParameterSpec): string {
  if ('default' in spec) return `\`${JSON.stringify(spec.default)}\``;
  return spec.required ? 'required' : 'none';
}

/** The README's parameter table, generated from the one parameter table. */
export function parameterTableMarkdown(): string {
  const rows = Object.entries(SUPERIMPOSE_PARAMETERS).map(
    ([name, spec]) => `| \`${name}\` | ${defaultOf(spec)} | ${expectationOf(spec).replace(/\|/g, '\\|')} | ${spec.description} |`,
  );
  return ['| parameter | default | accepts | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
