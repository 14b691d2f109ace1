/** The `superimpose` command, run with the process's streams by main.ts or in process by the tests. */
import { createRequire } from 'node:module';
import { batchCommand, BATCH_HELP } from './batch.js';
import { composeCommand, COMPOSE_HELP } from './compose.js';
import { diffCommand, DIFF_HELP } from './diff.js';
import { describeError, exitCodeOf, UsageError } from './errors.js';
import { goldenCommand, GOLDEN_HELP } from './golden.js';
import { printLine, type CliIo } from './io.js';
import { mockupCommand, MOCKUP_HELP } from './mockup/command.js';
import { closestName } from './suggest.js';

const SERVE_HELP = `Usage: superimpose serve

Serves the HTTP API, as npm start does: HOST and PORT (default 127.0.0.1:8080)
and the other environment variables in the README.

Example:
  PORT=9000 SUPERIMPOSE_API_KEYS=secret superimpose serve`;

const WORKER_HELP = `Usage: superimpose worker

Renders v2 jobs from Redis (REDIS_URL) without an HTTP server, so compute
scales apart from the front; SUPERIMPOSE_JOB_CONCURRENCY jobs at once.

Example:
  REDIS_URL=redis://127.0.0.1:6379 superimpose worker`;

const HELP = `Usage: superimpose <command> [options]

Commands:
  compose   lay one image over another (every API parameter is a flag)
  diff      compare two images, exactly unless asked to tolerate differences
  batch     render a JSON list of jobs, decoding shared inputs once
  mockup    fill a mockup template with a design, or with each file of a glob
  golden    verify or update a folder of expected images
  serve     run the HTTP server
  worker    render v2 jobs from Redis, without a server

Options: --help (also after a command), --verbose (detail on errors), --version.
Exit codes: 0 ok, 1 images differ or jobs failed, 2 bad usage or parameter, 3 unreadable input.

Examples:
  superimpose compose --base shirt.jpg --overlay logo.png --rescale-factor 0.4 --x-offset 320 --y-offset 620 --out mockup.jpg
  superimpose diff expected.png actual.png --diff changes.png
  superimpose mockup shirt.json --each design='logos/*.png' --out-dir mockups
  superimpose golden verify golden`;

/** A command that loads a process entry (server, worker), which runs until a signal stops it and exits itself. */
function runUntilSignalled(name: string, load: () => Promise<unknown>): (args: string[], io: CliIo) => Promise<number> {
  return async (args) => {
    if (args.length > 0) throw new UsageError(`${name} takes no arguments but received ${args[0]}`);
    await load();
    return new Promise<number>(() => {});
  };
}

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => Promise<number>; help: string }> = {
  compose: { run: composeCommand, help: COMPOSE_HELP },
  diff: { run: diffCommand, help: DIFF_HELP },
  batch: { run: batchCommand, help: BATCH_HELP },
  mockup: { run: mockupCommand, help: MOCKUP_HELP },
  golden: { run: goldenCommand, help: GOLDEN_HELP },
  serve: { run: runUntilSignalled('serve', async () => (await import('../server.js')).start()), help: SERVE_HELP },
  worker: { run: runUntilSignalled('worker', () => import('../worker.js')), help: WORKER_HELP },
};

/** Runs one command line; answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  const [name, ...rest] = args;
  try {
    if (name === '--version') {
      printLine(io, (createRequire(import.meta.url)('../../package.json') as { version: string }).version);
      return 0;
    }
    if (name === undefined || name === '--help' || name === 'help') {
      printLine(io, HELP);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      const suggestion = closestName(name, Object.keys(COMMANDS));
      throw new UsageError(`unknown command ${name}; ${suggestion ? `did you mean ${suggestion}?` : `expected one of ${Object.keys(COMMANDS).join(', ')}`} (superimpose --help)`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      printLine(io, command.help);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    io.stderr.write(`superimpose: ${describeError(error, verbose)}\n`);
    return exitCodeOf(error);
  }
}
