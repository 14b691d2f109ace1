/**
 * The server entry: `npm start` runs it; `import { start } from 'superimpose-local/server'`
 * embeds it. SIGTERM/SIGINT stop accepting, finish in-flight work within a bound,
 * and exit 0, or 1 when accepted jobs had to be given up.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type ServerConfig } from './config/server.js';
import { buildApp } from './http/app.js';
import { configureSharpForServing, createRenderer } from './runtime/renderer.js';

export { buildApp, loadConfig, type ServerConfig };

/** Builds the app from `config` (default: the environment), listens, and stops on SIGTERM or SIGINT. */
export async function start(config: ServerConfig = loadConfig()): Promise<FastifyInstance> {
  configureSharpForServing();
  const renderer = createRenderer(config.render);
  await renderer.start();
  let lost = 0;
  const app = buildApp(config, { renderer, onJobsGivenUp: ({ abandoned, aborted }) => (lost = abandoned + aborted) });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.warn('shutdown bound reached; exiting with work unfinished');
      process.exit(1);
    }, config.shutdownTimeoutMs + 1000);
    force.unref();
    // Keep-alive sockets that go idle after close() began would otherwise hold it open.
    setInterval(() => app.server.closeIdleConnections(), 100).unref();
    // Accepted work that could not finish is lost: the exit code says so.
    app.close().then(
      () => process.exit(lost > 0 ? 1 : 0),
      (error: unknown) => {
        app.log.error({ err: error }, 'error while closing');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  return app;
}

const runAsProgram = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (runAsProgram) {
  try {
    await start();
  } catch (error) {
    process.stderr.write(`superimpose server: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
