import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as the client sent it, where a route forwards it upstream unchanged. */
    rawBody?: string;
  }
}

/**
 * JSON is the only body type: anything else is a 415. Fastify's own JSON parser,
 * prototype-poisoning checks included. With `keepRaw`, for the routes of this
 * context only (the proxy's), the text it parsed is kept, and goes upstream as
 * sent: there `__proto__` and `constructor` keys, which the proxy's schemas
 * allow as unknown fields, are left out of the parsed object instead of
 * refusing the body.
 */
export function acceptJsonBodies(app: FastifyInstance, { keepRaw }: { keepRaw: boolean }): void {
  const poisoning = keepRaw ? 'remove' : 'error';
  const parse = app.getDefaultJsonParser(poisoning, poisoning);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (keepRaw) request.rawBody = body as string;
    parse(request, body as string, done);
  });
}
