import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { DEFAULT_PIXEL_LIMITS, type PixelLimits } from './engine/limits.js';

const list = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable the server reads (SPEC "Configuration"), with its default. */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  SUPERIMPOSE_API_KEYS: list,
  SUPERIMPOSE_ALLOW_HOSTS: list,
  SUPERIMPOSE_FETCH_TIMEOUT_MS: positiveInt(10_000),
  SUPERIMPOSE_FETCH_MAX_BYTES: positiveInt(50 * 1024 * 1024),
  SUPERIMPOSE_MAX_BODY_BYTES: positiveInt(100 * 1024 * 1024),
  SUPERIMPOSE_RESULT_TTL_SECONDS: z.coerce.number().positive().default(3600),
  SUPERIMPOSE_PUBLIC_URL: z.url().optional(),
  SUPERIMPOSE_JOB_CONCURRENCY: z.coerce.number().int().min(0).default(2),
  SUPERIMPOSE_QUEUE_LIMIT: positiveInt(64),
  SUPERIMPOSE_RENDER_CONCURRENCY: positiveInt(availableParallelism()),
  SUPERIMPOSE_RENDER_QUEUE_LIMIT: positiveInt(32),
  SUPERIMPOSE_MAX_INPUT_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxInputPixels),
  SUPERIMPOSE_MAX_OVERLAY_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxOverlayPixels),
  SUPERIMPOSE_MAX_OUTPUT_PIXELS: positiveInt(DEFAULT_PIXEL_LIMITS.maxOutputPixels),
  SUPERIMPOSE_REQUEST_TIMEOUT_MS: positiveInt(60_000),
  SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  SEGMIND_BASE_URL: z.url().default('https://api.segmind.com'),
  SEGMIND_API_KEY: z.string().min(1).optional(),
  SEGMIND_TIMEOUT_MS: positiveInt(120_000),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  SUPERIMPOSE_REDIS_PREFIX: z.string().min(1).default('superimpose'),
  SUPERIMPOSE_JOB_ATTEMPTS: positiveInt(3),
  SUPERIMPOSE_JOB_LOCK_MS: positiveInt(30_000),
  SUPERIMPOSE_MAX_RESULT_BYTES: positiveInt(50 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.output<typeof configSchema>;

/** Reads the configuration; a bad value names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) {
    if (result.data.SUPERIMPOSE_JOB_CONCURRENCY === 0 && !result.data.REDIS_URL) {
      throw new Error('Invalid environment variable SUPERIMPOSE_JOB_CONCURRENCY: 0 (no local worker) needs REDIS_URL, where other workers take the jobs');
    }
    return result.data;
  }
  const issue = result.error.issues[0]!;
  throw new Error(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
}

export function pixelLimitsOf(config: Config): PixelLimits {
  return {
    maxInputPixels: config.SUPERIMPOSE_MAX_INPUT_PIXELS,
    maxOverlayPixels: config.SUPERIMPOSE_MAX_OVERLAY_PIXELS,
    maxOutputPixels: config.SUPERIMPOSE_MAX_OUTPUT_PIXELS,
  };
}

export function redisJobsOptionsOf(config: Config, url: string) {
  return {
    url,
    prefix: config.SUPERIMPOSE_REDIS_PREFIX,
    ttlMs: config.SUPERIMPOSE_RESULT_TTL_SECONDS * 1000,
    queueLimit: config.SUPERIMPOSE_QUEUE_LIMIT,
    attempts: config.SUPERIMPOSE_JOB_ATTEMPTS,
    lockMs: config.SUPERIMPOSE_JOB_LOCK_MS,
    maxResultBytes: config.SUPERIMPOSE_MAX_RESULT_BYTES,
  };
}
