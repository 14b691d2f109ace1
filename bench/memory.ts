/**
 * Memory under concurrency: 16 requests at once, each with a 2725x2225 JPEG
 * base and the 1280x960 PNG overlay, against the built server; prints the
 * server's peak RSS (VmHWM) and every status.
 * Usage: npm run build && npx tsx bench/memory.ts [concurrent=16]
 */
import sharp from 'sharp';
import { goldenBase64, goldenBytes } from '../test/helpers/http.js';
import { startServer } from './server-process.js';

const concurrent = Number(process.argv[2] ?? 16);
const base = await sharp(goldenBytes('flowers.jpeg')).resize(2725, 2225, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
const body = JSON.stringify({ base_image: base.toString('base64'), overlay_image: goldenBase64('test-pattern.png'), rescale_factor: 0.8, rotation: 20, x_offset: 400, y_offset: 300 });

const server = await startServer({ LOG_LEVEL: 'warn' });
try {
  const idle = server.peakRssMiB();
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: concurrent }, () =>
      fetch(`${server.url}/v1/superimpose`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (res) => {
        await res.arrayBuffer();
        return res.status;
      }),
    ),
  );
  console.log(`${concurrent} concurrent requests, 2725x2225 base (${(base.length / 1024).toFixed(0)} KiB JPEG): statuses ${[...new Set(statuses)].join(',')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`server RSS: ${idle.toFixed(0)} MiB after start, peak ${server.peakRssMiB().toFixed(0)} MiB`);
} finally {
  await server.stop();
}
