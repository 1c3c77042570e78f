// The demo merchant: its web page (with the element) and its own backend, which
// holds MERCHANT_API_TOKEN and exchanges result tokens with the Worker. A real
// merchant's server does the same, in whatever language it is written in.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
/** Static files the demo serves: its own folder and the built element. */
const MOUNTS = { '/dist/': join(root, 'dist'), '/': join(root, 'demo') };

function send(res, status, body, type = 'application/json') {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Security-Policy':
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src *; img-src 'self' data:",
  });
  res.end(body);
}

async function readJson(req, limit = 4096) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw new Error('too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!path.startsWith(prefix)) continue;
    const relative = normalize(path.slice(prefix.length) || 'index.html');
    if (relative.startsWith('..') || relative.includes('\0') || relative.endsWith('.mjs')) break;
    try {
      const body = await readFile(join(dir, relative));
      return send(res, 200, body, TYPES[extname(relative)] ?? 'application/octet-stream');
    } catch {
      break;
    }
  }
  send(res, 404, JSON.stringify({ error: 'not found' }));
}

/** Starts the demo site; resolves with the server once it listens. */
export function startDemoServer({ port, host, workerUrl, merchantApiToken }) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === '/demo-config.json') {
        return send(res, 200, JSON.stringify({ endpoint: workerUrl }));
      }
      if (url.pathname === '/api/exchange' && req.method === 'POST') {
        const { resultToken } = await readJson(req);
        const answer = await fetch(`${workerUrl}/v1/results/exchange`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${merchantApiToken}`,
            'Content-Type': 'application/json',
          },
          body: JSON.stringify({ resultToken }),
        });
        return send(res, answer.status, await answer.text());
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, '{"error":"method"}');
      return serveStatic(req, res);
    } catch {
      send(res, 400, JSON.stringify({ error: 'bad request' }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
