import type { FastifyRequest } from 'fastify';
import type { PublicUrlPolicy } from '../config/server.js';

export type { PublicUrlPolicy };

/** A host and optional port, as a Host header may carry them; URL parsing then checks the port's range. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const first = (header: string | string[] | undefined): string | undefined => (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();

/**
 * The server's absolute base URL as the client sees it: the configured base,
 * else (when trusted) X-Forwarded-Proto/-Host, else the request's own Host. The
 * Python SDK GETs status and response URLs verbatim, so they must be absolute.
 */
export function publicBaseUrl(request: FastifyRequest, policy: PublicUrlPolicy): string {
  if (policy.base) return policy.base.replace(/\/+$/, '');
  const proto = policy.trustProxy ? first(request.headers['x-forwarded-proto']) : undefined;
  const host = (policy.trustProxy ? first(request.headers['x-forwarded-host']) : undefined) ?? request.headers.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : request.protocol;
  const authority = host && HOST.test(host) && URL.canParse(`${scheme}://${host}`) ? host : 'localhost';
  return `${scheme}://${authority}`;
}
