import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SuperimposeError } from '../contract/errors.js';

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * Paths anyone may read: health, the docs and the document, job outputs (their
 * random id is the capability), and the playground page with its examples (it asks for the key itself).
 */
const OPEN = [/^\/health$/, /^\/docs(\/.*)?$/, /^\/openapi\.json$/, /^\/v2\/requests\/[^/]+\/output$/, /^\/$/, /^\/playground\/examples\//];

/**
 * x-api-key checking, on only when keys are configured. Keys are compared as
 * SHA-256 digests with timingSafeEqual, so neither content nor length leaks.
 */
export function installApiKeyCheck(app: FastifyInstance, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const accepted = keys.map(digest);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (OPEN.some((p) => p.test(path))) return;
    const given = request.headers['x-api-key'];
    const candidate = digest(typeof given === 'string' ? given : '');
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, candidate) || ok;
    if (!ok || typeof given !== 'string') {
      throw new SuperimposeError('unauthorized', given === undefined ? 'Missing x-api-key header' : 'Invalid x-api-key');
    }
  });
}
