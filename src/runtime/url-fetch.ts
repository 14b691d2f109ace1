import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { SuperimposeError } from '../contract/errors.js';
import { startDeadline } from './deadline.js';
import { settingName, type SettingNames } from './settings.js';
import type { UrlLoader } from './sources.js';

/**
 * Addresses an image URL may never reach unless its host is allowed: every
 * range of IANA's special-purpose registries that is not globally reachable,
 * and multicast. Two lists, because a BlockList also matches IPv4 addresses
 * against its IPv6 rules.
 */
const REFUSED_V4_RANGES = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (CGNAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // 6to4 relay anycast, deprecated
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
] as const;

const REFUSED_V6_RANGES = [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible addresses
  ['::ffff:0:0', 96], // IPv4-mapped
  ['64:ff9b::', 96], // IPv4/IPv6 translation
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard-only
  ['100:0:0:1::', 64], // dummy prefix
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID and the rest
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: reaches any IPv4 address, private ones included
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing SIDs
  ['fc00::', 7], // unique local (includes fd00:ec2::254 metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local, deprecated
  ['ff00::', 8], // multicast
] as const;

const REFUSED_V4 = new BlockList();
const REFUSED_V6 = new BlockList();
for (const [net, prefix] of REFUSED_V4_RANGES) REFUSED_V4.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of REFUSED_V6_RANGES) REFUSED_V6.addSubnet(net, prefix, 'ipv6');

export interface UrlFetchOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** URL hosts (names or addresses, as written in the URL) that may be reached although they are loopback or private. */
  readonly allowHosts: readonly string[];
  readonly maxRedirects?: number;
  /** How refusals name timeoutMs and maxBytes. */
  readonly names?: SettingNames;
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

export function isRefusedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 6 ? REFUSED_V6.check(address, 'ipv6') : REFUSED_V4.check(address, 'ipv4');
}

/**
 * An SSRF-guarded image fetcher: http(s) only, every address checked after DNS
 * resolution and connected to as checked, again at every redirect, with a
 * whole-fetch timeout and a byte limit.
 */
export function createUrlLoader(options: UrlFetchOptions): UrlLoader {
  const allowed = new Set(options.allowHosts.map(stripBrackets));
  const maxRedirects = options.maxRedirects ?? 3;

  const refuse = (field: string, url: URL, why: string) =>
    new SuperimposeError('unsupported_input', `Expected a public http(s) URL for ${field} but ${url.host} ${why}`, { field });

  /** Resolves, refuses private addresses, and hands the socket exactly the address it checked. */
  const guardedLookup = (field: string, url: URL): LookupFunction => (hostname, lookupOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(new SuperimposeError('unreadable_input', `Could not fetch the ${field} URL: its host name does not resolve`, { field, cause: error }), '', 4);
      const list = addresses as { address: string; family: number }[];
      const bad = list.find((a) => isRefusedAddress(a.address));
      if (bad || list.length === 0) return callback(refuse(field, url, `resolves to a ${bad ? 'private or reserved address' : 'nothing'}`), '', 4);
      if (lookupOptions.all) return callback(null, list);
      const first = list[0]!;
      callback(null, first.address, first.family);
    });
  };

  const fetchOnce = (url: URL, field: string, signal: AbortSignal): Promise<{ redirect?: URL; body?: Buffer }> =>
    new Promise((resolve, reject) => {
      const host = stripBrackets(url.hostname);
      const hostAllowed = allowed.has(host);
      if (isIP(host) && isRefusedAddress(host) && !hostAllowed) return reject(refuse(field, url, 'is a private or reserved address'));
      const client = url.protocol === 'https:' ? https : http;
      const request = client.get(url, { signal, lookup: hostAllowed ? undefined : guardedLookup(field, url), headers: { accept: 'image/*' } }, (response) => {
        const remote = response.socket.remoteAddress;
        if (remote && isRefusedAddress(remote) && !hostAllowed) {
          response.destroy();
          return reject(refuse(field, url, 'connected to a private or reserved address'));
        }
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ redirect: new URL(response.headers.location, url) });
        }
        if (status !== 200) {
          response.resume();
          return reject(new SuperimposeError('unreadable_input', `Could not fetch ${field}: ${url.host} answered HTTP ${status}`, { field }));
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > options.maxBytes) {
          response.destroy();
          return reject(tooLarge(field, options));
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > options.maxBytes) {
            response.destroy();
            reject(tooLarge(field, options));
          } else chunks.push(chunk);
        });
        response.on('end', () => resolve({ body: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('error', reject);
    });

  return async (start, field, cancel) => {
    const deadline = startDeadline(options.timeoutMs, cancel);
    const { signal } = deadline;
    let url = start;
    try {
      for (let hop = 0; ; hop++) {
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(field, url, `uses ${url.protocol}, not http(s)`);
        const { redirect, body } = await fetchOnce(url, field, signal);
        if (body) return body;
        if (hop >= maxRedirects) throw new SuperimposeError('unreadable_input', `Could not fetch ${field}: more than ${maxRedirects} redirects`, { field });
        url = redirect!;
      }
    } catch (error) {
      if (error instanceof SuperimposeError) throw error;
      if (cancel?.aborted) throw new SuperimposeError('cancelled', `The request was cancelled while fetching ${field}`, { field, cause: error });
      if (deadline.timedOut()) {
        throw new SuperimposeError('unreadable_input', `Could not fetch ${field} within ${options.timeoutMs} ms (${settingName(options.names, 'fetchTimeoutMs')})`, { field, cause: error });
      }
      throw new SuperimposeError('unreadable_input', `Could not fetch the ${field} URL: ${failureOf(error)}`, { field, cause: error });
    } finally {
      deadline.clear();
    }
  };
}

/**
 * A connection failure in plain words. The system's codes and the addresses
 * they name stay in the error's cause, for the logs: the client learns what
 * went wrong, not what this server's network looks like.
 */
function failureOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'its host name does not resolve';
    default:
      return typeof code === 'string' && /CERT|SSL|TLS/.test(code) ? 'its TLS certificate was not accepted' : 'the connection failed';
  }
}

function tooLarge(field: string, options: UrlFetchOptions): SuperimposeError {
  return new SuperimposeError('too_large', `Expected at most ${options.maxBytes} bytes for ${field} (${settingName(options.names, 'fetchMaxBytes')}) but the URL sends more`, { field });
}
