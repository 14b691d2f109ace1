import type { FastifyRequest } from 'fastify';

/** A host and optional port, as a Host header may carry them; URL parsing then checks the port's range. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const first = (header: string | string[] | undefined): string | undefined => (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();

/**
 * The server's absolute base URL as the client sees it: the configured public URL,
 * else X-Forwarded-Proto/-Host, else the request's own Host. The Python SDK GETs
 * status and response URLs verbatim, so they must be absolute.
 */
export function publicBaseUrl(request: FastifyRequest, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const proto = first(request.headers['x-forwarded-proto']);
  const host = first(request.headers['x-forwarded-host']) ?? request.headers.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : request.protocol;
  const authority = host && HOST.test(host) && URL.canParse(`${scheme}://${host}`) ? host : 'localhost';
  return `${scheme}://${authority}`;
}
