import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { superimposeJsonSchema } from '../../contract/superimpose.js';
import type { SuperimposeResult } from '../../runtime/render.js';
import type { Renderer } from '../../runtime/renderer.js';
import { clientGone } from '../client-gone.js';
import { errorResponses, imageOrBase64Response } from '../schemas.js';

export const contentType = (format: string): string => `image/${format}`;

/** A synchronous render's answer: the image bytes, or {"image": base64} when base64 is asked for. */
export function sendRendered(reply: FastifyReply, { data, info }: SuperimposeResult, base64: boolean): FastifyReply {
  if (base64) return reply.type('application/json').send({ image: data.toString('base64') });
  return reply.type(contentType(info.format)).send(data);
}

/** POST /v1/superimpose: image bytes, or {"image": base64} when base64 is true. */
export function superimposeRoute(app: FastifyInstance, render: Renderer): void {
  app.withTypeProvider<ZodTypeProvider>().post('/v1/superimpose', {
    schema: {
      operationId: 'superimpose',
      summary: 'Superimpose, synchronously',
      body: superimposeJsonSchema,
      response: {
        200: imageOrBase64Response('The image; {"image": base64} when base64 is true'),
        ...errorResponses(400, 401, 408, 413, 415, 429, 503),
      },
    },
    handler: async (request, reply) => {
      const params = request.body;
      return sendRendered(reply, await render(params, { signal: clientGone(reply) }), params.base64);
    },
  });
}
