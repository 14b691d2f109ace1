import type { FastifyInstance } from 'fastify';
import { parseSuperimposeRequest } from '../../contract/superimpose.js';
import { clientGone } from '../client-gone.js';
import { contentType, type Renderer } from '../render.js';

/** POST /v1/superimpose: image bytes, or {"image": base64} when base64 is true. */
export function superimposeRoute(app: FastifyInstance, render: Renderer): void {
  app.post('/v1/superimpose', async (request, reply) => {
    const params = parseSuperimposeRequest(request.body);
    const result = await render(params, { signal: clientGone(reply) });
    if (result.base64) return { image: result.data.toString('base64') };
    return reply.type(contentType(result.format)).send(result.data);
  });
}
