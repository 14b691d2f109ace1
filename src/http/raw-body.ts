import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as the client sent it, for forwarding upstream unchanged. */
    rawBody?: string;
  }
}

/**
 * JSON is the only body type: anything else is a 415. Fastify's own JSON parser
 * (prototype-poisoning checks included), keeping the text it parsed.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawBody = body as string;
    parse(request, body as string, done);
  });
}
