import { createServer, type Server } from 'node:http';

/** One request the shop received. */
export interface ShopRequest {
  method: string;
  /** The path and query, as the browser asked for them. */
  url: string;
  contentType: string;
  body: string;
}

/**
 * A tiny shop with no script of ours, on the origin the e2e stack allows
 * besides the demo's (global-setup.ts `shopUrl`): its return URL answers a
 * page saying what it received, and it keeps every request for the test.
 */
export async function startShop(
  shopUrl: string,
): Promise<{ requests: ShopRequest[]; close: () => Promise<void> }> {
  const requests: ShopRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        contentType: request.headers['content-type'] ?? '',
        body,
      });
      const status = new URLSearchParams(body).get('status') ?? 'none';
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Shop</title><p id="back" data-status="${status}">Back at the shop</p>`,
      );
    });
  });
  const { port, hostname } = new URL(shopUrl);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), hostname, () => resolve());
  });
  return {
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
