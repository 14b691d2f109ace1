/** `npm start`: serves on HOST:PORT; SIGTERM/SIGINT stop accepting, finish in-flight work within a bound, exit 0. */
import { loadConfig } from './config.js';
import { buildApp } from './http/app.js';
import { configureSharpForServing } from './http/render.js';

const config = loadConfig();
configureSharpForServing();
const app = buildApp(config);

let closing = false;
const shutdown = (signal: string) => {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    app.log.warn('shutdown bound reached; exiting with work unfinished');
    process.exit(1);
  }, config.SUPERIMPOSE_SHUTDOWN_TIMEOUT_MS + 1000);
  force.unref();
  // Keep-alive sockets that go idle after close() began would otherwise hold it open.
  setInterval(() => app.server.closeIdleConnections(), 100).unref();
  app.close().then(
    () => process.exit(0),
    (error: unknown) => {
      app.log.error({ err: error }, 'error while closing');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

try {
  await app.listen({ port: config.PORT, host: config.HOST });
} catch (error) {
  app.log.error({ err: error }, 'could not listen');
  process.exit(1);
}
