import { shellQuote } from './snippets.js';
import { mockupRequest, type MockupState, type PickedImage, type ImageRole, type RequestTree } from './request.js';

/** The placeholder of each layer's design: {{design}}, then {{design2}}, {{design3}}, … */
export const designPlaceholder = (layer: number): string => (layer === 0 ? 'design' : `design${layer + 1}`);

/**
 * A template for `superimpose mockup TEMPLATE.json --set design=…`: the picked
 * files by name (saved beside the template, whose folder paths are relative
 * to), each layer's design a placeholder. Undefined until every image is picked.
 */
export function mockupTemplate(state: MockupState): { [key: string]: RequestTree<string> } | undefined {
  return mockupRequest(state, (picked: PickedImage, role: ImageRole) => ('layer' in role && role.field === 'image' ? `{{${designPlaceholder(role.layer)}}}` : picked.name));
}

/** A shell word: left bare when nothing in it is special to the shell, else in single quotes. */
const shellWord = (text: string): string => (/^[\w.,+@%/=-]+$/.test(text) ? text : shellQuote(text));

/** The command that renders the template, with the designs the user picked; every name a single shell word. */
export function templateCommand(state: MockupState, templateName: string, output: string): string {
  const sets = state.layers.map((layer, i) => `--set ${shellWord(`${designPlaceholder(i)}=${layer.design?.name ?? 'DESIGN.png'}`)}`);
  return `superimpose mockup ${shellWord(templateName)} ${sets.join(' ')} --out ${shellWord(output)}`;
}
