import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { mockupJsonSchema } from '../../contract/mockup.js';
import type { MockupRenderer } from '../../runtime/renderer.js';
import { clientGone } from '../client-gone.js';
import { errorResponses, imageOrBase64Response } from '../schemas.js';
import { sendRendered } from './superimpose.js';

/** POST /v1/mockup: the design layers painted on the base (MOCKUP.md); image bytes, or {"image": base64} when base64 is true. */
export function mockupRoute(app: FastifyInstance, renderMockup: MockupRenderer): void {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/mockup', {
    schema: {
      operationId: 'mockup',
      summary: 'Mockup, synchronously: designs in perspective, bent along folds, blended, clipped to the print area',
      body: mockupJsonSchema,
      response: {
        200: imageOrBase64Response('The image; {"image": base64} when base64 is true'),
        ...errorResponses(400, 401, 408, 413, 415, 429, 503),
      },
    },
    handler: async (request, reply) => {
      const params = request.body;
      return sendRendered(reply, await renderMockup(params, { signal: clientGone(reply) }), params.base64);
    },
  });
}
