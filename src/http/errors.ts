import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SuperimposeError } from '../contract/errors.js';
import { settingName, type SettingNames } from '../runtime/settings.js';
import { MAX_ID_LENGTH } from './schemas.js';

/** Patterns of the app's routes with the methods each answers, for 404 versus 405. */
class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];

  add(url: string, methods: readonly string[]): void {
    const pattern = new RegExp(`^${url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*$/, '.*')}/?$`);
    const existing = this.routes.find((r) => r.pattern.source === pattern.source);
    if (existing) for (const m of methods) existing.methods.add(m);
    else this.routes.push({ pattern, methods: new Set(methods) });
  }

  methodsFor(path: string): string[] | undefined {
    const route = this.routes.find((r) => r.pattern.test(path));
    return route && [...route.methods].sort();
  }
}

/**
 * The one error handler: every error is {"error": "..."} with the catalogue's
 * status; a 500 says nothing of internals. A request that matched no route is
 * a 404 or a 405 whatever else went wrong with it.
 */
export function installErrorHandling(app: FastifyInstance, names: SettingNames): void {
  const routes = new RouteTable();
  app.addHook('onRoute', (route) => {
    routes.add(route.url, ([] as string[]).concat(route.method));
  });

  const noRoute = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    const methods = routes.methodsFor(path);
    if (methods) {
      return reply.status(405).header('allow', methods.join(', ')).send({ error: `Method ${request.method} is not allowed on ${path}: use ${methods.join(' or ')}` });
    }
    return reply.status(404).send({ error: `No route ${request.method} ${path}` });
  };

  app.setErrorHandler((error: FastifyError | SuperimposeError, request, reply) => {
    if (request.is404) return noRoute(request, reply);
    if (error instanceof SuperimposeError) {
      if (error.status === 429 || error.status === 503) reply.header('retry-after', '1');
      return reply.status(error.status).send({ error: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.status(status).send({ error: publicMessage(error, request, names) });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ error: 'Internal server error' });
  });

  app.setNotFoundHandler(noRoute);
}

/**
 * Errors the router raises before any route or hook runs (Fastify's
 * `frameworkErrors`): a path parameter past its length names no request there
 * can be; a path that does not decode is a bad request.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0] ?? '/';
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(404).send({ error: `No route or request ${path}: a path segment is longer than ${MAX_ID_LENGTH} characters` });
  } else {
    void reply.status(400).send({ error: `Expected a valid URL path but received ${JSON.stringify(path.slice(0, 200))}` });
  }
}

function publicMessage(error: FastifyError, request: FastifyRequest, names: SettingNames): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `Request body is larger than the limit (${settingName(names, 'maxBodyBytes')})`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_TYPE': {
      const received = request.headers['content-type'];
      return `Expected content-type application/json, the only body this server accepts, but received ${received ? JSON.stringify(received.slice(0, 100)) : 'none'}`;
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Expected a JSON body but received an empty one';
    default:
      return error.statusCode === 400 && error.message.includes('JSON') ? `Expected a JSON body but it could not be parsed: ${error.message}` : error.message;
  }
}
