type Attributes = Readonly<Record<string, string | number | boolean | undefined>>;

/** An element with attributes (false and undefined left out, true as an empty attribute) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** The SVG namespace, as the HTML parser gives it to an <svg> element (so the page holds no URL). */
const SVG_NAMESPACE = (() => {
  const template = document.createElement('template');
  template.innerHTML = '<svg></svg>';
  return template.content.firstElementChild!.namespaceURI!;
})();

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Attributes = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NAMESPACE, tag) as SVGElementTagNameMap[K];
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  return element;
}

let ids = 0;
/** A fresh id, for label for= and aria-describedby. */
export const freshId = (stem: string): string => `${stem}-${++ids}`;

/** A labelled control in its field: the wrapper carries data-field, where the server's errors about that field are shown. */
export function field(name: string, label: string, control: HTMLElement, hint?: string): HTMLDivElement {
  const id = control.id || freshId(name.replace(/\W+/g, '-'));
  control.id = id;
  const wrapper = h('div', { class: 'field', 'data-field': name }, h('label', { for: id }, label), control);
  if (hint) {
    const hintId = `${id}-hint`;
    wrapper.append(h('small', { id: hintId, class: 'hint' }, hint));
    control.setAttribute('aria-describedby', hintId);
  }
  return wrapper;
}

/** Shows a server error beside a field's control; `clearErrors` takes them all away. */
export function showError(wrapper: HTMLElement, message: string): void {
  const id = freshId('error');
  wrapper.classList.add('invalid');
  wrapper.append(h('p', { class: 'error', id, role: 'alert', 'data-testid': 'error' }, message));
  const control = wrapper.querySelector('input, select, [role="slider"]');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-errormessage', id);
  }
}

export function clearErrors(root: ParentNode): void {
  for (const error of root.querySelectorAll('.error')) error.remove();
  for (const wrapper of root.querySelectorAll('.invalid')) wrapper.classList.remove('invalid');
  for (const control of root.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-errormessage');
  }
}

/** A <select> of values, one chosen. */
export function select(values: readonly string[], chosen: string | undefined, attributes: Attributes = {}): HTMLSelectElement {
  const element = h('select', attributes, ...values.map((value) => h('option', { value }, value)));
  if (chosen !== undefined) element.value = chosen;
  return element;
}

/** A picked file's bytes as base64. */
export async function fileBase64(blob: Blob): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(blob);
  });
  return url.slice(url.indexOf(',') + 1);
}

/** Saves text as a file the browser downloads. */
export function download(name: string, text: string, type = 'application/json'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
