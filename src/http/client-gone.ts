import type { FastifyReply } from 'fastify';

/** Aborts when the client goes away before its answer is written, so its work can stop. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
