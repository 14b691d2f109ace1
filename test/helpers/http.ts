import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadConfig, type ServerConfig } from '../../src/config/server.js';

export const testConfig = (env: Record<string, string> = {}): ServerConfig => loadConfig({ LOG_LEVEL: 'silent', ...env });

/** A file of golden/inputs/, by name. */
export const goldenPath = (name: string) => fileURLToPath(new URL(`../../golden/inputs/${name}`, import.meta.url));
const golden = (name: string) => readFileSync(goldenPath(name));
export const goldenBase64 = (name: string) => golden(name).toString('base64');
export const goldenBytes = golden;

/** A loopback HTTP server on port 0, for upstream stubs. */
export async function stubServer(handler: RequestListener): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
