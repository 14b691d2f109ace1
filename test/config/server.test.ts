import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_VARIABLES, loadCliConfig, loadConfig, loadWorkerConfig } from '../../src/config/server.js';
import { SETTINGS, type Setting } from '../../src/runtime/settings.js';

describe('the server configuration', () => {
  it('documents every variable it reads in the README, and no other', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /### Configuration\n([\s\S]*?)\n### /.exec(readme)?.[1] ?? '';
    const documented = [...section.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z_]+)`/g)].map((name) => name[1]!));
    expect(documented.sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });

  it('names every setting a message may name by its variable', () => {
    const { names } = loadConfig({});
    for (const setting of Object.keys(SETTINGS) as Setting[]) expect(ENVIRONMENT_VARIABLES).toContain(names[setting]);
  });

  it.each([
    [{ PORT: '70000' }, /^Invalid environment variable PORT: /],
    [{ SUPERIMPOSE_MAX_INPUT_PIXELS: '-1' }, /^Invalid environment variable SUPERIMPOSE_MAX_INPUT_PIXELS: /],
    [{ REDIS_URL: 'http://x' }, /^Invalid environment variable REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/],
    [{ SUPERIMPOSE_JOB_CONCURRENCY: '0' }, /SUPERIMPOSE_JOB_CONCURRENCY: 0 \(no local worker\) needs REDIS_URL/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('maps variables to each layer\'s options', () => {
    const config = loadConfig({ SUPERIMPOSE_MAX_INPUT_PIXELS: '123', SUPERIMPOSE_ALLOW_HOSTS: 'a, b', REDIS_URL: 'redis://127.0.0.1:1', SUPERIMPOSE_RESULT_TTL_SECONDS: '2' });
    expect(config.render.limits.maxInputPixels).toBe(123);
    expect(config.render.fetch.allowHosts).toEqual(['a', 'b']);
    expect(config.jobs).toMatchObject({ ttlMs: 2000, redis: { url: 'redis://127.0.0.1:1', prefix: 'superimpose' } });
  });

  it('needs REDIS_URL for a worker', () => {
    expect(() => loadWorkerConfig({})).toThrow('Missing environment variable REDIS_URL: a worker takes its jobs from Redis');
  });

  it('gives the CLI its fetch and pixel settings, unmoved by the server\'s', () => {
    const cli = loadCliConfig({ PORT: 'abc', SUPERIMPOSE_JOB_CONCURRENCY: '0', SUPERIMPOSE_MAX_INPUT_PIXELS: '99' });
    expect(cli.limits.maxInputPixels).toBe(99);
    expect(cli.names.maxInputPixels).toBe('SUPERIMPOSE_MAX_INPUT_PIXELS');
    expect(() => loadCliConfig({ SUPERIMPOSE_FETCH_TIMEOUT_MS: 'soon' })).toThrow(/^Invalid environment variable SUPERIMPOSE_FETCH_TIMEOUT_MS: /);
  });
});
