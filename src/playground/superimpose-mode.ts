import type { ParameterRow, PlaygroundConfig } from './config.js';
import { fileBase64, field, h, select, showError } from './dom.js';
import type { Mode } from './mode.js';
import { superimposeRequest, type ImageRole, type PickedImage, type RequestTree } from './request.js';

/** A value as the control holds it; undefined = left to the server's default. */
type Value = string | number | boolean | PickedImage | undefined;

/** Superimpose mode: one control per row of SUPERIMPOSE_PARAMETERS, made from the row's kind, range and default. */
export class SuperimposeMode implements Mode {
  readonly name = 'superimpose';
  readonly endpoint = '/v1/superimpose';
  readonly outputStem = 'superimpose';
  readonly element: HTMLElement;
  onChange: () => void = () => {};

  private readonly values: Record<string, Value> = {};
  private readonly fields = new Map<string, HTMLElement>();
  private readonly required: string[];

  constructor(config: PlaygroundConfig) {
    const table = config.superimpose;
    this.required = Object.entries(table).flatMap(([name, row]) => ((row.kind === 'image' || row.kind === 'remote-image') && row.required ? [name] : []));
    for (const [name, row] of Object.entries(table)) this.fields.set(name, field(name, `${name}${this.required.includes(name) ? ' (required)' : ''}`, this.control(name, row), describe(row)));
    this.element = h('section', { class: 'controls', 'aria-label': 'Superimpose' }, h('fieldset', {}, h('legend', {}, 'Parameters of /v1/superimpose'), ...this.fields.values()));
  }

  request<I>(image: (picked: PickedImage, role: ImageRole) => I): { [key: string]: RequestTree<I> } | undefined {
    return superimposeRequest(this.values, this.required, image);
  }

  showError(path: string, message: string): boolean {
    const wrapper = this.fields.get(path);
    if (wrapper) showError(wrapper, message);
    return wrapper !== undefined;
  }

  /** The row's control; a value equal to the default is left out of the request, so requests say only what differs. */
  private control(name: string, row: ParameterRow): HTMLElement {
    const set = (value: Value) => {
      this.values[name] = 'default' in row && value === row.default ? undefined : value;
      this.onChange();
    };
    const testid = `superimpose-${name}`;
    switch (row.kind) {
      case 'image':
      case 'remote-image': {
        const input = h('input', { type: 'file', accept: 'image/*', 'data-testid': testid });
        input.addEventListener('change', () => {
          const file = input.files?.[0];
          if (file) void fileBase64(file).then((base64) => set({ name: file.name, base64 }));
        });
        return input;
      }
      case 'enum': {
        const control = select(row.values, row.default, { 'data-testid': testid });
        control.addEventListener('change', () => set(control.value));
        return control;
      }
      case 'boolean': {
        const input = h('input', { type: 'checkbox', checked: row.default === true, 'data-testid': testid });
        input.addEventListener('change', () => set(input.checked));
        return input;
      }
      case 'number':
      case 'integer': {
        const input = h('input', { type: 'number', step: row.kind === 'integer' ? 1 : 'any', min: row.min, max: row.max, value: row.default, 'data-testid': testid });
        input.addEventListener('input', () => set(input.value === '' ? undefined : input.valueAsNumber));
        return input;
      }
      case 'string': {
        const input = h('input', { type: 'text', value: row.default, 'data-testid': testid });
        input.addEventListener('input', () => set(input.value === '' ? undefined : input.value));
        return input;
      }
    }
  }
}

/** The row's description with its range and default. */
function describe(row: ParameterRow): string {
  const parts = [row.description];
  if ((row.kind === 'number' || row.kind === 'integer') && row.min !== undefined && row.max !== undefined) parts.push(`${row.min} to ${row.max}.`);
  if ('default' in row && row.default !== undefined) parts.push(`Default ${JSON.stringify(row.default)}.`);
  return parts.join(' ');
}
