/** The outcome of one render: the image, or the server's refusal. */
export type RenderOutcome = { readonly ok: true; readonly image: Blob; readonly ms: number } | { readonly ok: false; readonly status: number; readonly message: string };

/** The image of a JSON answer (base64 on), or why there is none. */
function imageOfJson(answer: unknown): Blob | string {
  const image = typeof answer === 'object' && answer !== null ? (answer as { readonly image?: unknown }).image : undefined;
  if (typeof image !== 'string') return 'The server answered JSON without an image';
  try {
    return new Blob([Uint8Array.from(atob(image), (c) => c.charCodeAt(0))]);
  } catch {
    return "The server's answer holds an image that is not base64";
  }
}

/** Posts a request; an answer with base64 on is turned back into the image. */
export async function render(endpoint: string, body: string, apiKey: string, signal: AbortSignal): Promise<RenderOutcome> {
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (apiKey !== '') headers['x-api-key'] = apiKey;
  const response = await fetch(endpoint, { method: 'POST', headers, body, signal });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { error?: unknown }).error === 'string') message = (parsed as { error: string }).error;
    } catch {
      // Not JSON: the text itself says what went wrong.
    }
    return { ok: false, status: response.status, message };
  }
  if (type.startsWith('application/json')) {
    // JSON that does not parse is an answer without an image, not a server out of reach.
    const answer: unknown = await response.json().catch(() => undefined);
    const image = imageOfJson(answer);
    if (typeof image === 'string') return { ok: false, status: response.status, message: image };
    return { ok: true, image, ms: performance.now() - started };
  }
  return { ok: true, image: await response.blob(), ms: performance.now() - started };
}

/** One request as scheduled, with the key (the mode) its outcome belongs to. */
export interface Scheduled<K> {
  readonly key: K;
  readonly endpoint: string;
  readonly body: string;
  readonly apiKey: string;
}

/**
 * Renders the latest request ~250 ms after the last change; a request still
 * running when a newer one starts is aborted, so only the newest answer shows.
 * Each outcome comes with the request it answers, key included, so it is
 * stored under the mode that asked and never under whichever mode is shown.
 */
export class Previewer<K> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onOutcome: (outcome: RenderOutcome, request: Scheduled<K>) => void,
    private readonly onBusy: (busy: boolean) => void,
  ) {}

  schedule(request: Scheduled<K>): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(request), this.delayMs);
  }

  /** Drops the waiting request and aborts the running one: no outcome follows. */
  cancel(): void {
    clearTimeout(this.timer);
    this.running?.abort();
    this.running = undefined;
    this.onBusy(false);
  }

  private async run(request: Scheduled<K>): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.onBusy(true);
    let outcome: RenderOutcome;
    try {
      outcome = await render(request.endpoint, request.body, request.apiKey, controller.signal);
    } catch (error) {
      outcome = { ok: false, status: 0, message: `The server could not be reached: ${(error as Error).message}` };
    }
    if (controller.signal.aborted) return;
    this.running = undefined;
    this.onBusy(false);
    this.onOutcome(outcome, request);
  }
}
