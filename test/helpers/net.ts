import type { ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

/** A loopback port that was free a moment ago: for a server to start on, or for nothing to listen on. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Streams `chunks` chunks of `chunkSize` zero bytes as an image/png body, honouring back-pressure. */
export function streamZeros(res: ServerResponse, chunks: number, chunkSize: number): void {
  res.writeHead(200, { 'content-type': 'image/png' });
  const chunk = Buffer.alloc(chunkSize);
  let sent = 0;
  const pump = () => {
    while (sent < chunks && res.write(chunk)) sent++;
    if (sent < chunks) res.once('drain', pump);
    else res.end();
  };
  pump();
}
