import { parseSuperimposeRequest, type SuperimposeRequest } from '../contract/superimpose.js';
import { renderSuperimpose, type RenderOptions, type SuperimposeResult } from '../runtime/render.js';

export type SuperimposeOptions = RenderOptions;

/**
 * The library's superimpose: validates the request once, with the schema the
 * server uses, then renders it. A bad request throws a SuperimposeError that
 * carries the message the HTTP 400 gives.
 */
export async function superimpose(request: SuperimposeRequest, options: SuperimposeOptions = {}): Promise<SuperimposeResult> {
  return renderSuperimpose(parseSuperimposeRequest(request), options);
}
