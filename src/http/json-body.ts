import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as the client sent it, where a route forwards it upstream unchanged. */
    rawBody?: string;
  }
}

/**
 * JSON is the only body type: anything else is a 415. Fastify's own JSON parser
 * (prototype-poisoning checks included); with `keepRaw`, for the routes of this
 * context only, the text it parsed is kept as well.
 */
export function acceptJsonBodies(app: FastifyInstance, { keepRaw }: { keepRaw: boolean }): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (keepRaw) request.rawBody = body as string;
    parse(request, body as string, done);
  });
}
