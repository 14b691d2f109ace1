/**
 * `npm start` until the HTTP server lands: composes the seed job on the
 * bundled sample images and writes sample-output.jpg.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { superimpose } from './index.js';

const input = (name: string) => fileURLToPath(new URL(`../golden/inputs/${name}`, import.meta.url));
const started = performance.now();
const { data, info } = await superimpose({
  base_image: input('square-1024.jpg'),
  overlay_image: input('test-pattern.png'),
  rescale_factor: 0.4,
  resize_method: 'bilinear',
  x_offset: 320,
  y_offset: 620,
});
await writeFile('sample-output.jpg', data);
console.log(`wrote sample-output.jpg: ${info.width}x${info.height} ${info.format}, ${data.length} bytes in ${(performance.now() - started).toFixed(0)} ms`);
