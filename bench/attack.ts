/**
 * The attacks of the hardening targets against the built server in its own
 * process (as `npm start` runs it, default settings unless a row says), each on
 * a fresh server so that its peak RSS (VmHWM) is its own. Prints one line per
 * attack: the answers, the time they took, the server's peak RSS, and /health's
 * latency where the target names it. test/attack/ holds the same attacks as
 * tests, with the server in the test's process.
 * Usage: npm run build && npx tsx bench/attack.ts
 */
import { connect } from 'node:net';
import sharp from 'sharp';
import { inflateBomb, svg } from '../test/helpers/hostile.js';
import { goldenBase64, stubServer } from '../test/helpers/http.js';
import { percentile, watchHealth } from '../test/helpers/probes.js';
import { startServer, type ServerProcess } from './server-process.js';

const MiB = 2 ** 20;
const overlay = goldenBase64('swiss.png');
const normal = { base_image: goldenBase64('concert.jpg'), overlay_image: overlay };

const post = (server: ServerProcess, body: object, path = '/v1/superimpose') =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Times `work`; returns its result and milliseconds. */
async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

const healthFigures = (xs: readonly number[]) =>
  `/health p95 ${percentile(xs, 95).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms over ${xs.length} asks`;

async function withServer(env: Record<string, string>, attack: (server: ServerProcess) => Promise<string>): Promise<void> {
  const server = await startServer(env);
  try {
    const figures = await attack(server);
    console.log(`${figures}; peak RSS ${server.peakRssMiB().toFixed(0)} MiB`);
  } finally {
    await server.stop();
  }
}

const jpeg = async (width: number, height: number) => (await sharp({ create: { width, height, channels: 3, background: '#357' } }).jpeg().toBuffer()).toString('base64');

/** One connection declaring a 90 MiB JSON body and sending it as fast as it is read; resolves with the status read, 0 if none. */
function largeUpload(server: ServerProcess): Promise<number> {
  const { port } = new URL(server.url);
  const filler = Buffer.alloc(64 * 1024, 'A');
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(`POST /v1/superimpose HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${90 * MiB}\r\n\r\n`);
      let sent = 0;
      const pump = () => {
        while (sent < 90 * MiB && socket.writable && socket.write(filler)) sent += filler.length;
        if (sent < 90 * MiB && socket.writable) socket.once('drain', pump);
      };
      pump();
    });
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
  });
}

const tally = (statuses: readonly number[]) => JSON.stringify(statuses.reduce<Record<number, number>>((counts, s) => ({ ...counts, [s]: (counts[s] ?? 0) + 1 }), {}));

const bombs = {
  blur: svg('<filter id="f"><feGaussianBlur stdDeviation="900"/></filter><rect width="7000" height="7000" filter="url(#f)"/>', 'width="7000" height="7000"'),
  turbulence: svg('<filter id="t"><feTurbulence baseFrequency="0.01" numOctaves="10"/></filter><rect width="7000" height="7000" filter="url(#t)"/>', 'width="7000" height="7000"'),
  uses: svg(`<g id="a0"><rect width="7000" height="7000"/></g>${Array.from({ length: 12 }, (_, i) => `<g id="a${i + 1}"><use href="#a${i}"/><use href="#a${i}"/><use href="#a${i}"/><use href="#a${i}"/></g>`).join('')}`, 'width="7000" height="7000"'),
};

for (const setting of ['off', 'on']) {
  await withServer({ SUPERIMPOSE_SVG: setting }, async (server) => {
    const answers = await Promise.all(Object.entries(bombs).map(async ([name, bytes]) => {
      const [res, ms] = await timed(() => post(server, { base_image: normal.base_image, overlay_image: bytes.toString('base64') }));
      return `${name} ${res.status} in ${ms.toFixed(0)} ms`;
    }));
    const [res, ms] = await timed(() => post(server, normal));
    return `SVG bombs, SUPERIMPOSE_SVG=${setting}: ${answers.join(', ')}; a normal request meanwhile ${res.status} in ${ms.toFixed(0)} ms`;
  });
}

await withServer({}, async (server) => {
  const bomb = inflateBomb(1024 * MiB).toString('base64');
  const [res, ms] = await timed(() => post(server, { base_image: bomb, overlay_image: overlay }));
  return `inflate bomb (a 1000x1000 PNG whose data inflates to 1 GiB, ${(bomb.length / 1024).toFixed(0)} KiB of base64): ${res.status} in ${ms.toFixed(0)} ms`;
});

await withServer({}, async (server) => {
  const avif = (await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#468' } }).avif({ effort: 0 }).toBuffer()).toString('base64');
  const [statuses, ms] = await timed(() => Promise.all([1, 2, 3].map(() => post(server, { base_image: avif, overlay_image: overlay }).then((res) => res.status))));
  return `three 7000x7000 AVIF bases at once: ${statuses.join(', ')} in ${ms.toFixed(0)} ms`;
});

await withServer({}, async (server) => {
  const stop = watchHealth(server.url, 20);
  const [statuses, ms] = await timed(() => Promise.all(Array.from({ length: 40 }, () => largeUpload(server))));
  return `40 connections each declaring 90 MiB: ${tally(statuses)} in ${ms.toFixed(0)} ms; ${healthFigures(await stop())}`;
});

await withServer({}, async (server) => {
  const heavy = { base_image: await jpeg(6000, 4000), overlay_image: overlay, overlay_resize: 'Resize to width & height', width: 4000, height: 4000, resize_method: 'bilinear', image_format: 'png' };
  await post(server, normal);
  const stop = watchHealth(server.url, 20);
  const [statuses, ms] = await timed(() => Promise.all([post(server, heavy), post(server, heavy)].map((answer) => answer.then((res) => res.status))));
  return `two heavy renders at once (24 MP base, 16 MP overlay, PNG out): ${statuses.join(', ')} in ${ms.toFixed(0)} ms; ${healthFigures(await stop())}`;
});

const hanging = await stubServer(() => {});
await withServer({ SUPERIMPOSE_ALLOW_HOSTS: '127.0.0.1' }, async (server) => {
  const leaving = new AbortController();
  const stuck = Array.from({ length: 8 }, (_, i) =>
    fetch(`${server.url}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...normal, base_image: `${hanging.url}/${i}.jpg` }), signal: leaving.signal }).catch(() => undefined),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const [res, ms] = await timed(() => post(server, normal));
  leaving.abort();
  await Promise.all(stuck);
  return `eight URL inputs that never answer: a normal request ${res.status} in ${ms.toFixed(0)} ms`;
});
await hanging.close();

const generative = { image: 'aGVsbG8=', ref_image: 'aGVsbG8=', prompt: 'a field' };
const trickling = await stubServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  const timer = setInterval(() => res.write(' '), 100);
  res.on('close', () => clearInterval(timer));
});
await withServer({ SEGMIND_BASE_URL: trickling.url, SEGMIND_API_KEY: 'bench', SEGMIND_TIMEOUT_MS: '2000' }, async (server) => {
  const [res, ms] = await timed(() => post(server, generative, '/v2/bg-replace'));
  return `proxy, upstream trickling past SEGMIND_TIMEOUT_MS=2000: ${res.status} in ${ms.toFixed(0)} ms`;
});
await trickling.close();

const cutting = await stubServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.end('{"status":"QUE', () => req.socket.destroy());
});
await withServer({ SEGMIND_BASE_URL: cutting.url, SEGMIND_API_KEY: 'bench' }, async (server) => {
  const [res, ms] = await timed(() => post(server, generative, '/v2/bg-replace'));
  return `proxy, upstream cut mid-body: ${res.status} in ${ms.toFixed(0)} ms`;
});
await cutting.close();
