import type { PlaygroundConfig } from './config.js';
import { clearErrors, download, field, h } from './dom.js';
import { fieldOfError } from './errors.js';
import type { Mode } from './mode.js';
import { MockupMode } from './mockup-mode.js';
import { Previewer, type RenderOutcome, type Scheduled } from './preview.js';
import { asBase64 } from './request.js';
import { curlSnippet, fromFile, javascriptSnippet, outputName, pythonSnippet, type SnippetTarget } from './snippets.js';
import { SuperimposeMode } from './superimpose-mode.js';
import { templateCommand } from './template.js';

const config = JSON.parse(document.getElementById('config')?.textContent ?? '{}') as PlaygroundConfig;

const LANGUAGES = {
  curl: { label: 'curl', testid: 'copy-curl', make: curlSnippet },
  python: { label: 'Python', testid: 'copy-python', make: pythonSnippet },
  js: { label: 'JavaScript', testid: 'copy-js', make: javascriptSnippet },
} as const;
type Language = keyof typeof LANGUAGES;

/** The page: a mode's controls and stage, the preview, and the code behind it. */
class Playground {
  private readonly mockup = new MockupMode(config);
  private readonly superimpose = new SuperimposeMode(config);
  private mode: Mode = this.mockup;
  /** Kept in memory only: never written to storage or cookies. */
  private apiKey = '';
  private language: Language = 'curl';
  /** Each mode's latest preview and the request behind it, byte for byte. */
  private readonly shown = new Map<Mode, { readonly url: string; readonly body: string }>();

  private readonly preview = h('img', { 'data-testid': 'preview', alt: 'The rendered image', class: 'preview' });
  private readonly status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Pick a photo and a design to see the mockup.');
  private readonly general = h('div', { class: 'general' });
  private readonly code = h('code', {});
  private readonly codeBlock = h('pre', { 'data-testid': 'code', tabindex: 0, 'aria-label': 'Code' }, this.code);
  private readonly workspace = h('div', { class: 'workspace' });
  private readonly previewer = new Previewer<Mode>(
    250,
    (outcome, request) => this.showOutcome(outcome, request),
    (busy) => this.status.classList.toggle('busy', busy),
  );

  constructor(root: HTMLElement) {
    for (const mode of [this.mockup, this.superimpose]) mode.onChange = () => this.changed(mode);
    const tabs = h('div', { class: 'modes', role: 'group', 'aria-label': 'Mode' });
    for (const mode of [this.mockup, this.superimpose]) {
      const tab = h('button', { type: 'button', 'aria-pressed': mode === this.mode, 'data-testid': `mode-${mode.name}` }, mode === this.mockup ? 'Mockup' : 'Superimpose');
      tab.addEventListener('click', () => {
        for (const other of tabs.children) other.setAttribute('aria-pressed', String(other === tab));
        this.switchTo(mode);
      });
      tabs.append(tab);
    }
    const header = h('header', {}, h('h1', {}, 'superimpose playground'), tabs);
    if (config.keyRequired) {
      const key = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'api-key' });
      key.addEventListener('input', () => {
        this.apiKey = key.value;
        this.changed(this.mode);
      });
      header.append(field('api_key', 'API key (x-api-key; kept in this page only)', key));
    }

    const copyButtons = (Object.keys(LANGUAGES) as Language[]).map((language) => {
      const button = h('button', { type: 'button', 'data-testid': LANGUAGES[language].testid }, `Copy as ${LANGUAGES[language].label}`);
      button.addEventListener('click', () => void this.copy(language));
      return button;
    });
    const downloadRequest = h('button', { type: 'button', 'data-testid': 'download-request' }, 'Download request');
    downloadRequest.addEventListener('click', () => this.downloadRequest());
    const downloadTemplate = h('button', { type: 'button', 'data-testid': 'download-template' }, 'Download template');
    downloadTemplate.addEventListener('click', () => this.downloadTemplate());
    const codePanel = h('section', { class: 'code', 'aria-label': 'Code' }, h('h2', {}, 'Code'), h('div', { class: 'buttons' }, ...copyButtons, downloadRequest, downloadTemplate), this.codeBlock);

    const previewPanel = h('section', { class: 'result', 'aria-label': 'Preview' }, h('h2', {}, 'Preview'), this.status, this.general, this.preview);
    root.append(header, h('div', { class: 'layout' }, this.workspace, h('div', { class: 'side' }, previewPanel, codePanel)));
    // A file that cannot be read or an example that cannot be fetched: said where errors are said.
    addEventListener('unhandledrejection', (event) => {
      const reason: unknown = event.reason;
      this.general.replaceChildren(h('p', { class: 'error', role: 'alert', 'data-testid': 'error' }, reason instanceof Error ? reason.message : String(reason)));
    });
    this.switchTo(this.mockup);
  }

  private switchTo(mode: Mode): void {
    // The other mode's render in flight is dropped: its answer would be shown under this one.
    this.previewer.cancel();
    this.mode = mode;
    const shown = this.shown.get(mode);
    if (shown) this.preview.src = shown.url;
    else this.preview.removeAttribute('src');
    clearErrors(document.body);
    this.general.replaceChildren();
    this.workspace.replaceChildren(...(mode === this.mockup ? [this.mockup.stage.element, mode.element] : [mode.element]));
    this.changed(mode);
  }

  /** Where a snippet of `request` sends it and writes the answer. */
  private target(request: { readonly [key: string]: unknown }): SnippetTarget {
    return { url: new URL(this.mode.endpoint, location.href).href, keyRequired: config.keyRequired, output: outputName(this.mode.outputStem, request['image_format'], request['base64']), stem: this.mode.outputStem };
  }

  /** A mode's request changed: the code follows at once, the preview after the pause. */
  private changed(mode: Mode): void {
    if (mode !== this.mode) return;
    this.showCode();
    const request = mode.request(asBase64);
    if (!request) {
      this.previewer.cancel();
      return;
    }
    this.previewer.schedule({ key: mode, endpoint: mode.endpoint, body: JSON.stringify(request), apiKey: this.apiKey });
  }

  /** An answer is kept under the mode that asked; it is shown only while that mode is. */
  private showOutcome(outcome: RenderOutcome, { key: mode, body }: Scheduled<Mode>): void {
    const url = outcome.ok ? this.remember(mode, outcome.image, body) : undefined;
    if (mode !== this.mode) return;
    clearErrors(document.body);
    this.general.replaceChildren();
    if (outcome.ok && url !== undefined) {
      this.preview.src = url;
      this.status.textContent = `Rendered in ${Math.round(outcome.ms)} ms (${Math.round(outcome.image.size / 1024)} KB).`;
    } else if (!outcome.ok) this.showRefusal(mode, outcome);
  }

  private showRefusal(mode: Mode, { status, message }: { readonly status: number; readonly message: string }): void {
    const field = fieldOfError(message);
    const shown = field !== undefined && mode.showError(field, message);
    if (!shown) this.general.append(h('p', { class: 'error', role: 'alert', 'data-testid': 'error' }, `${status || 'Error'}: ${message}`));
    this.status.textContent = `Refused (${status}): the preview shows the last good request.`;
  }

  /** A mode's new preview, its previous one let go; gives the new one's URL. */
  private remember(mode: Mode, image: Blob, body: string): string {
    const previous = this.shown.get(mode);
    if (previous) URL.revokeObjectURL(previous.url);
    const url = URL.createObjectURL(image);
    this.shown.set(mode, { url, body });
    return url;
  }

  private snippet(language: Language): string | undefined {
    const tree = this.mode.request(fromFile);
    return tree && LANGUAGES[language].make(tree, this.target(tree));
  }

  private showCode(): void {
    const text = this.snippet(this.language);
    this.code.textContent = text ?? `Pick the images (${this.mode === this.mockup ? 'a photo and a design for each layer' : 'base_image and overlay_image'}) to see the ${LANGUAGES[this.language].label} code.`;
  }

  private async copy(language: Language): Promise<void> {
    this.language = language;
    this.showCode();
    const text = this.snippet(language);
    if (!text) return;
    try {
      await navigator.clipboard.writeText(text);
      this.status.textContent = `${LANGUAGES[language].label} code copied.`;
    } catch {
      this.status.textContent = `${LANGUAGES[language].label} code shown below (the clipboard is not available here).`;
    }
  }

  private downloadRequest(): void {
    const current = () => {
      const request = this.mode.request(asBase64);
      return request && JSON.stringify(request);
    };
    const body = this.shown.get(this.mode)?.body ?? current();
    if (body) download(`${this.mode.outputStem}-request.json`, body);
    else this.status.textContent = 'Nothing to download yet: pick the images first.';
  }

  private downloadTemplate(): void {
    const template = this.mockup.template();
    if (this.mode !== this.mockup || !template) {
      this.status.textContent = 'A template is a mockup: pick a photo and a design in Mockup mode first.';
      return;
    }
    download('template.json', `${JSON.stringify(template, null, 2)}\n`);
    const state = this.mockup.request(fromFile);
    this.status.textContent = `Saved template.json: save it beside ${describeFiles(state)}, then run ${templateCommand(this.mockup.state(), 'template.json', 'mockup.jpg')}`;
  }
}

/** The file names a request reads, for messages. */
function describeFiles(tree: unknown): string {
  const names = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === 'object' && value !== null) {
      if ('file' in value && typeof value.file === 'string') names.add(value.file);
      else Object.values(value).forEach(visit);
    }
  };
  visit(tree);
  return [...names].join(', ');
}

new Playground(document.getElementById('app')!);
