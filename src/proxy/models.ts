import { validateGenerativeRequest, type GenerativeModel, type GenerativeRequest } from '../contract/generative.js';
import { SuperimposeError } from '../contract/errors.js';
import { callUpstream, passThroughHeaders, type UpstreamOptions } from './upstream.js';

export interface GenerativeResult {
  readonly data: Buffer;
  readonly contentType: string;
  /** content-type and x-* headers, x-remaining-credits among them. */
  readonly headers: Readonly<Record<string, string>>;
}

export type GenerativeOptions = UpstreamOptions;

/** Validates locally (a bad request costs no credits), then calls the model on Segmind's v1 API. */
export async function runGenerative<M extends GenerativeModel>(model: M, request: GenerativeRequest<M>, options: GenerativeOptions): Promise<GenerativeResult> {
  validateGenerativeRequest(model, request);
  const answer = await callUpstream(options, { method: 'POST', url: `/v1/${model}`, body: JSON.stringify(request) });
  const data = await answer.bytes();
  if (!answer.ok) {
    const detail = data.toString('utf8').slice(0, 500);
    throw new SuperimposeError('upstream_error', `Segmind answered ${answer.status} for ${model}: ${detail}`, { status: answer.status });
  }
  return { data, contentType: answer.headers.get('content-type') ?? 'application/octet-stream', headers: passThroughHeaders(answer.headers) };
}

export const sd15Img2Img = (request: GenerativeRequest<'sd1.5-img2img'>, options: GenerativeOptions) => runGenerative('sd1.5-img2img', request, options);
export const bgReplace = (request: GenerativeRequest<'bg-replace'>, options: GenerativeOptions) => runGenerative('bg-replace', request, options);
export const segSwap = (request: GenerativeRequest<'seg-swap'>, options: GenerativeOptions) => runGenerative('seg-swap', request, options);
