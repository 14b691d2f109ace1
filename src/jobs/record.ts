import type { OutputFormat } from '../engine/codec.js';

/** The image a finished job made; `base64`: the request asked for its output as a data: URI. */
export interface JobOutput {
  readonly data: Buffer;
  readonly format: OutputFormat;
  readonly base64: boolean;
}

interface Job {
  readonly id: string;
  readonly createdAt: number;
}

/** Where a forwarded job's polls go upstream. */
export interface UpstreamUrls {
  readonly statusUrl: string;
  readonly responseUrl: string;
}

/**
 * A v2 job in each of its states. `seconds` is the render time. A forwarded
 * job is a generative request submitted to Segmind, kept so that its polls
 * come back here and are relayed.
 */
export type JobRecord =
  | (Job & { readonly status: 'queued' })
  | (Job & { readonly status: 'running' })
  | (Job & { readonly status: 'succeeded'; readonly output: JobOutput; readonly seconds: number })
  | (Job & { readonly status: 'failed'; readonly error: string; readonly seconds: number | undefined })
  | (Job & { readonly status: 'cancelled'; readonly reason: string })
  /** A finished job whose output was dropped before its TTL, to keep the stored outputs within their bound. */
  | (Job & { readonly status: 'evicted'; readonly reason: string })
  | (Job & { readonly status: 'forwarded'; readonly upstream: UpstreamUrls });
