import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { JobsOptions } from '../jobs/service.js';
import { DEFAULT_MAX_RESPONSE_BYTES, type UpstreamOptions } from '../proxy/upstream.js';
import { DEFAULT_PIXEL_LIMITS } from '../runtime/limits.js';
import type { RendererOptions } from '../runtime/renderer.js';
import type { Setting, SettingNames } from '../runtime/settings.js';

const list = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const flag = z
  .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
  .default('false')
  .transform((value) => value === 'true' || value === '1');

/** Every environment variable the server and the worker read, with its default. */
const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  SUPERIMPOSE_API_KEYS: list,
  SUPERIMPOSE_ALLOW_HOSTS: list,
  SUPERIMPOSE_FETCH_TIMEOUT_MS: positiveInt(10_000),
  SUPERIMPOSE_FETCH_MAX_BYTES: positiveInt(50 * 1024 * 1024),
  SUPERIMPOSE_MAX_BODY_BYTES: positiveInt(100 * 1024 * 1024),
  SUPERIMPOSE_BODIES_IN_FLIGHT: positiveInt(64),
  SUPERIMPOSE_BODY_BYTES_IN_FLIGHT: positiveInt(128 * 1024 * 1024),
  SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS: positiveInt(10_000),
  SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(0).default(16 * 1024),
  SUPERIMPOSE_RESULT_TTL_SECONDS: z.coerce.number().positive().default(3600),
  SUPERIMPOSE_PUBLIC_URL: z.url().optional(),
  SUPERIMPOSE_TRUST_PROXY: flag,
  SUPERIMPOSE_JOB_CONCURRENCY: z.coerce.number().int().min(0).default(2),
  SUPERIMPOSE_QUEUE_LIMIT: positiveInt(64),
  SUPERIMPOSE_RENDER_CONCURRENCY: positiveInt(availableParallelism()),
  SUPERIMPOSE_RENDER_QUEUE_LIMIT: positiveInt(32),
  SUPERIMPOSE_RENDER_TIMEOUT_MS: positiveInt(30_000),
  SUPERIMPOSE_MEMORY_BUDGET_MB: positiveInt(1024),
  SUPERIMPOSE_FETCH_CONCURRENCY: positiveInt(8),
  SUPERIMPOSE_SVG: z.enum(['off', 'on'], { error: 'expected off or on' }).default('off'),
  SUPERIMPOSE_PLAYGROUND: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
  SUPERIMPOSE_MAX_INPUT_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxInputPixels),
  SUPERIMPOSE_MAX_OVERLAY_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxOverlayPixels),
  SUPERIMPOSE_MAX_OUTPUT_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxOutputPixels),
  SUPERIMPOSE_REQUEST_TIMEOUT_MS: positiveInt(60_000),
  SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  SEGMIND_BASE_URL: z.url().default('https://api.segmind.com'),
  SEGMIND_API_KEY: z.string().min(1).optional(),
  SEGMIND_TIMEOUT_MS: positiveInt(120_000),
  SEGMIND_MAX_RESPONSE_BYTES: positiveInt(DEFAULT_MAX_RESPONSE_BYTES),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  SUPERIMPOSE_REDIS_PREFIX: z.string().min(1).default('superimpose'),
  SUPERIMPOSE_JOB_ATTEMPTS: positiveInt(3),
  SUPERIMPOSE_JOB_LOCK_MS: positiveInt(30_000),
  SUPERIMPOSE_REDIS_WAIT_MS: positiveInt(5_000),
  SUPERIMPOSE_MAX_RESULT_BYTES: positiveInt(50 * 1024 * 1024),
  SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES: positiveInt(256 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Environment = z.output<typeof environmentSchema>;

/** Every variable read, for the docs and for checks that nothing else names them. */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape) as (keyof Environment)[];

/** The variable that sets each setting a message may name, so that server messages name what an operator can change. */
const VARIABLE_OF: Record<Setting, keyof Environment> = {
  maxInputPixels: 'SUPERIMPOSE_MAX_INPUT_PIXELS',
  maxOverlayPixels: 'SUPERIMPOSE_MAX_OVERLAY_PIXELS',
  maxOutputPixels: 'SUPERIMPOSE_MAX_OUTPUT_PIXELS',
  fetchTimeoutMs: 'SUPERIMPOSE_FETCH_TIMEOUT_MS',
  fetchMaxBytes: 'SUPERIMPOSE_FETCH_MAX_BYTES',
  renderQueueLimit: 'SUPERIMPOSE_RENDER_QUEUE_LIMIT',
  jobQueueLimit: 'SUPERIMPOSE_QUEUE_LIMIT',
  maxResultBytes: 'SUPERIMPOSE_MAX_RESULT_BYTES',
  upstreamTimeoutMs: 'SEGMIND_TIMEOUT_MS',
  upstreamApiKey: 'SEGMIND_API_KEY',
  maxBodyBytes: 'SUPERIMPOSE_MAX_BODY_BYTES',
  redisWaitMs: 'SUPERIMPOSE_REDIS_WAIT_MS',
  maxStoredOutputBytes: 'SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES',
  renderTimeoutMs: 'SUPERIMPOSE_RENDER_TIMEOUT_MS',
  memoryBudgetMb: 'SUPERIMPOSE_MEMORY_BUDGET_MB',
  svgInput: 'SUPERIMPOSE_SVG',
  upstreamMaxBytes: 'SEGMIND_MAX_RESPONSE_BYTES',
  bodiesInFlight: 'SUPERIMPOSE_BODIES_IN_FLIGHT',
  bodyBytesInFlight: 'SUPERIMPOSE_BODY_BYTES_IN_FLIGHT',
  bodyIdleTimeoutMs: 'SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS',
  bodyMinBytesPerSecond: 'SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND',
};

const SETTING_NAMES: SettingNames = VARIABLE_OF;

export type LogLevel = Environment['LOG_LEVEL'];

/** Where the URLs the v2 answers give come from. */
export interface PublicUrlPolicy {
  /** An absolute base that wins over every header. */
  readonly base: string | undefined;
  /** Whether X-Forwarded-Proto/-Host are taken: only behind a proxy that sets them, or any client could. */
  readonly trustProxy: boolean;
}

/** How request bodies are read, so that many or slow uploads cannot hold the server's memory. */
export interface BodyReadingPolicy {
  /** Requests with bodies in hand at once, from their headers to their answers; past it a new one is refused with 503 before it is read. */
  readonly maxInFlight: number;
  /** Bytes of those bodies (declared lengths reserved up front, chunked ones counted as they come). */
  readonly maxBytesInFlight: number;
  /** Longest pause between two pieces of a body before 408. */
  readonly idleTimeoutMs: number;
  /** Slowest average upload rate taken once the first idle period has passed (0: no floor). */
  readonly minBytesPerSecond: number;
}

/** What a serving process runs with: the options of each layer, read from the environment. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Keys accepted in x-api-key; none = no auth. */
  readonly apiKeys: readonly string[];
  /** Where the URLs v2 answers give come from. */
  readonly publicUrl: PublicUrlPolicy;
  readonly bodyLimit: number;
  readonly bodies: BodyReadingPolicy;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly render: RendererOptions;
  readonly jobs: JobsOptions;
  readonly upstream: UpstreamOptions;
  /** Whether GET / serves the playground page. */
  readonly playground: boolean;
  /** How messages name settings: by their environment variables. */
  readonly names: SettingNames;
}

function parseOrExplain<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  return result.data;
}

function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = parseOrExplain(environmentSchema, env);
  if (parsed.SUPERIMPOSE_JOB_CONCURRENCY === 0 && !parsed.REDIS_URL) {
    throw new Error('Invalid environment variable SUPERIMPOSE_JOB_CONCURRENCY: 0 (no local worker) needs REDIS_URL, where other workers take the jobs');
  }
  return parsed;
}

/** Reads the configuration from the environment; a bad value names its variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const e = parseEnvironment(env);
  const names = SETTING_NAMES;
  return {
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    apiKeys: e.SUPERIMPOSE_API_KEYS,
    publicUrl: { base: e.SUPERIMPOSE_PUBLIC_URL, trustProxy: e.SUPERIMPOSE_TRUST_PROXY },
    bodyLimit: e.SUPERIMPOSE_MAX_BODY_BYTES,
    bodies: {
      maxInFlight: e.SUPERIMPOSE_BODIES_IN_FLIGHT,
      maxBytesInFlight: e.SUPERIMPOSE_BODY_BYTES_IN_FLIGHT,
      idleTimeoutMs: e.SUPERIMPOSE_BODY_IDLE_TIMEOUT_MS,
      minBytesPerSecond: e.SUPERIMPOSE_BODY_MIN_BYTES_PER_SECOND,
    },
    requestTimeoutMs: e.SUPERIMPOSE_REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: e.SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS,
    render: {
      limits: { maxInputPixels: e.SUPERIMPOSE_MAX_INPUT_PIXELS, maxOverlayPixels: e.SUPERIMPOSE_MAX_OVERLAY_PIXELS, maxOutputPixels: e.SUPERIMPOSE_MAX_OUTPUT_PIXELS },
      fetch: { timeoutMs: e.SUPERIMPOSE_FETCH_TIMEOUT_MS, maxBytes: e.SUPERIMPOSE_FETCH_MAX_BYTES, allowHosts: e.SUPERIMPOSE_ALLOW_HOSTS },
      fetchConcurrency: e.SUPERIMPOSE_FETCH_CONCURRENCY,
      concurrency: e.SUPERIMPOSE_RENDER_CONCURRENCY,
      queueLimit: e.SUPERIMPOSE_RENDER_QUEUE_LIMIT,
      timeoutMs: e.SUPERIMPOSE_RENDER_TIMEOUT_MS,
      memoryBudgetBytes: e.SUPERIMPOSE_MEMORY_BUDGET_MB * 1024 * 1024,
      svg: e.SUPERIMPOSE_SVG,
      names,
    },
    jobs: {
      ttlMs: Math.ceil(e.SUPERIMPOSE_RESULT_TTL_SECONDS * 1000),
      concurrency: e.SUPERIMPOSE_JOB_CONCURRENCY,
      queueLimit: e.SUPERIMPOSE_QUEUE_LIMIT,
      maxResultBytes: e.SUPERIMPOSE_MAX_RESULT_BYTES,
      maxStoredOutputBytes: e.SUPERIMPOSE_MAX_STORED_OUTPUT_BYTES,
      redis: e.REDIS_URL
        ? { url: e.REDIS_URL, prefix: e.SUPERIMPOSE_REDIS_PREFIX, attempts: e.SUPERIMPOSE_JOB_ATTEMPTS, lockMs: e.SUPERIMPOSE_JOB_LOCK_MS, waitMs: e.SUPERIMPOSE_REDIS_WAIT_MS }
        : undefined,
      names,
    },
    upstream: { baseUrl: e.SEGMIND_BASE_URL, apiKey: e.SEGMIND_API_KEY, timeoutMs: e.SEGMIND_TIMEOUT_MS, maxResponseBytes: e.SEGMIND_MAX_RESPONSE_BYTES, names },
    playground: e.SUPERIMPOSE_PLAYGROUND === 'on',
    names,
  };
}

/** The worker process's configuration: Redis is where its jobs come from, so REDIS_URL is required. */
export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): ServerConfig & { readonly jobs: { readonly redis: NonNullable<JobsOptions['redis']> } } {
  const config = loadConfig(env);
  const { redis } = config.jobs;
  if (!redis) throw new Error('Missing environment variable REDIS_URL: a worker takes its jobs from Redis');
  return { ...config, jobs: { ...config.jobs, redis } };
}

/** What the CLI reads of the environment: the URL fetcher's and the pixel limits' variables, no others. */
const cliSchema = environmentSchema.pick({
  SUPERIMPOSE_FETCH_TIMEOUT_MS: true,
  SUPERIMPOSE_FETCH_MAX_BYTES: true,
  SUPERIMPOSE_ALLOW_HOSTS: true,
  SUPERIMPOSE_MAX_INPUT_PIXELS: true,
  SUPERIMPOSE_MAX_OVERLAY_PIXELS: true,
  SUPERIMPOSE_MAX_OUTPUT_PIXELS: true,
});

/** The CLI's renders: as the server's, but no server setting can stop a command that does not use it. */
export function loadCliConfig(env: Record<string, string | undefined> = process.env): Pick<RendererOptions, 'fetch' | 'limits'> & { readonly names: SettingNames } {
  const e = parseOrExplain(cliSchema, env);
  return {
    fetch: { timeoutMs: e.SUPERIMPOSE_FETCH_TIMEOUT_MS, maxBytes: e.SUPERIMPOSE_FETCH_MAX_BYTES, allowHosts: e.SUPERIMPOSE_ALLOW_HOSTS },
    limits: { maxInputPixels: e.SUPERIMPOSE_MAX_INPUT_PIXELS, maxOverlayPixels: e.SUPERIMPOSE_MAX_OVERLAY_PIXELS, maxOutputPixels: e.SUPERIMPOSE_MAX_OUTPUT_PIXELS },
    names: SETTING_NAMES,
  };
}
