/** The outcome of one render: the image, or the server's refusal. */
export type RenderOutcome = { readonly ok: true; readonly image: Blob; readonly ms: number } | { readonly ok: false; readonly status: number; readonly message: string };

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
    const { image } = (await response.json()) as { image: string };
    const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0));
    return { ok: true, image: new Blob([bytes]), ms: performance.now() - started };
  }
  return { ok: true, image: await response.blob(), ms: performance.now() - started };
}

/**
 * Renders the latest request ~250 ms after the last change; a request still
 * running when a newer one starts is aborted, so only the newest answer shows.
 */
export class Previewer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: AbortController | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onOutcome: (outcome: RenderOutcome, body: string) => void,
    private readonly onStart: () => void,
  ) {}

  schedule(endpoint: string, body: string, apiKey: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(endpoint, body, apiKey), this.delayMs);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.running?.abort();
  }

  private async run(endpoint: string, body: string, apiKey: string): Promise<void> {
    this.running?.abort();
    const controller = new AbortController();
    this.running = controller;
    this.onStart();
    try {
      const outcome = await render(endpoint, body, apiKey, controller.signal);
      if (!controller.signal.aborted) this.onOutcome(outcome, body);
    } catch (error) {
      if (!controller.signal.aborted) this.onOutcome({ ok: false, status: 0, message: `The server could not be reached: ${(error as Error).message}` }, body);
    }
  }
}
