import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as the client sent it, for forwarding upstream unchanged. */
    rawBody?: string;
  }
}

/** Fastify's own JSON parser (prototype-poisoning checks included), keeping the text it parsed. */
export function keepRawJsonBody(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parse(request, body as string, done);
  });
}
