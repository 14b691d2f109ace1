import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from './net.js';

export interface TestRedis {
  readonly url: string;
  stop(): Promise<void>;
}


/**
 * A Redis for tests, on loopback: SUPERIMPOSE_TEST_REDIS_URL when .ci/run
 * started one, else a redis-server of our own on a free port. Without either,
 * undefined off CI (the Redis tests then do not run) and an error on CI.
 */
export async function startTestRedis(): Promise<TestRedis | undefined> {
  const given = process.env['SUPERIMPOSE_TEST_REDIS_URL'];
  if (given) return { url: given, stop: async () => {} };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    if (process.env['CI']) throw new Error('CI needs redis-server (or SUPERIMPOSE_TEST_REDIS_URL) for the Redis tests');
    return undefined;
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  // Refused connections are expected until redis-server listens; connect() rejects on them too.
  client.on('error', () => {});
  for (let attempt = 0; ; attempt++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch {
      if (attempt > 50) throw new Error(`redis-server on ${url} did not start`);
      await sleep(100);
    }
  }
  client.disconnect();
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
