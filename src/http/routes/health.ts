import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthResponses } from '../schemas.js';

interface Load {
  readonly renders_active: number;
  readonly renders_queued: number;
  readonly renders_memory_bytes: number;
  readonly fetches_active: number;
  readonly fetches_queued: number;
  readonly jobs_pending: number;
}

export type HealthCheck = () => Promise<{ ok: boolean; details: Load & Record<string, unknown> }>;

/** GET /health: 200 once ready, with the load the server is under; 503 when its job store (Redis) is unreachable. */
export function healthRoute(app: FastifyInstance, check: HealthCheck): void {
  app.withTypeProvider<ZodTypeProvider>().get('/health', {
    schema: { operationId: 'health', summary: 'Ready, with the load', security: [], response: healthResponses },
    handler: async (_request, reply) => {
      const { ok, details } = await check();
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', ...details });
    },
  });
}
