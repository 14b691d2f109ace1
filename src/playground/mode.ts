import type { ImageRole, PickedImage, RequestTree } from './request.js';

/** What the page asks of a mode: its controls, its request in any image form, and where its errors go. */
export interface Mode {
  readonly name: string;
  readonly endpoint: string;
  /** The stem of the file snippets write: mockup.jpg. */
  readonly outputStem: string;
  readonly element: HTMLElement;
  /** Called by the mode whenever its request may have changed. */
  onChange: () => void;
  request<I>(image: (picked: PickedImage, role: ImageRole) => I): { [key: string]: RequestTree<I> } | undefined;
  /** A `superimpose mockup` template, for the modes that have one. */
  template?(): { [key: string]: RequestTree<string> } | undefined;
  /** Shows a refusal beside its field's control; false when no control of this mode shows that field. */
  showError(field: string, message: string): boolean;
}
