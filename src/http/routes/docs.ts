import type { FastifyInstance } from 'fastify';
import { defaultText, expectationOf } from '../../contract/parameters.js';
import { SUPERIMPOSE_PARAMETERS } from '../../contract/superimpose.js';
import { openApiDocument } from '../openapi.js';

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A self-contained page (no external assets: the server is offline). */
function docsPage(): string {
  const rows = Object.entries(SUPERIMPOSE_PARAMETERS)
    .map(([name, spec]) => `<tr><td><code>${name}</code></td><td>${escape(defaultText(spec))}</td><td>${escape(expectationOf(spec))}</td><td>${escape(spec.description)}</td></tr>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>superimpose-local API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}table{border-collapse:collapse}code{background:#f4f4f4}</style></head><body>
<h1>superimpose-local</h1>
<p>A local, offline re-implementation of Segmind's <code>superimpose</code> API. Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<h2>Endpoints</h2><ul>
<li><code>POST /v1/superimpose</code>: JSON body below; answers the image bytes, or <code>{"image": "&lt;base64&gt;"}</code> with <code>base64: true</code>.</li>
<li><code>POST /v2/superimpose</code>: queues the same body; answers <code>request_id</code>, <code>status</code>, and absolute <code>status_url</code> and <code>response_url</code>.</li>
<li><code>GET /v2/requests/{id}/status</code>, <code>GET /v2/requests/{id}</code>: poll, then read <code>output</code>. A failed job answers 422; an unknown or expired id 404.</li>
<li><code>GET /health</code>.</li></ul>
<p>Errors are <code>{"error": "..."}</code>. When keys are configured, send <code>x-api-key</code>.</p>
<h2>Parameters</h2><table><tr><th>parameter</th><th>default</th><th>accepts</th><th>meaning</th></tr>
${rows}
</table></body></html>`;
}

export function docsRoutes(app: FastifyInstance): void {
  const document = openApiDocument();
  const page = docsPage();
  app.get('/openapi.json', async () => document);
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}

/** GET /health: 200 once ready, with the load the server is under; 503 when its job store (Redis) is unreachable. */
export function healthRoute(app: FastifyInstance, check: () => Promise<{ ok: boolean; details: Record<string, unknown> }>): void {
  app.get('/health', async (_request, reply) => {
    const { ok, details } = await check();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', ...details });
  });
}
