// The demo merchant: its web page (with the element) and its own backend, which
// holds MERCHANT_API_TOKEN and exchanges result tokens with the Worker. A real
// merchant's server does the same, in whatever language it is written in.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { styleHash } from '../scripts/lib/style-hash.mjs';
import { receiptChecker } from './receipts.mjs';

const root = new URL('..', import.meta.url).pathname;
const demoDir = join(root, 'demo');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * A strict CSP, as a careful merchant would set: scripts only from the page and
 * the Worker, no inline script, connections only to the Worker, and no inline
 * style but the element's own stylesheet, by hash, for Safari before 16.4.
 */
let elementStyle;
function csp(workerUrl) {
  const worker = new URL(workerUrl).origin;
  elementStyle ??= styleHash(join(root, 'dist', 'paypay-kyc-passport.iife.js'));
  return [
    "default-src 'self'",
    `script-src 'self' ${worker}`,
    `style-src 'self' ${elementStyle}`,
    `connect-src 'self' ${worker}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(res, status, body, type, workerUrl, extra = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': csp(workerUrl),
    ...extra,
  });
  res.end(body);
}

/** The page, with the Worker's URL and the script's SRI hash filled in. */
async function page(workerUrl) {
  const script = await readFile(join(root, 'dist', 'paypay-kyc-passport.iife.js'));
  const sri = `sha384-${createHash('sha384').update(script).digest('base64')}`;
  const template = await readFile(join(demoDir, 'index.html'), 'utf8');
  return template.replaceAll('{{WORKER_URL}}', workerUrl).replaceAll('{{SRI}}', sri);
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

/**
 * The demo's signed-in customer. A real shop knows its customer from its own
 * login; here a cookie set with the page stands in for that login.
 */
const CUSTOMER = {
  id: 'customer-0042',
  kycData: {
    lastName: '山田',
    firstName: '太郎',
    lastNameKana: 'ヤマダ',
    firstNameKana: 'タロウ',
    dateOfBirth: '1990-04-01',
  },
};
const SIGN_IN_COOKIE = `demo_customer=${CUSTOMER.id}; Path=/; HttpOnly; SameSite=Lax`;

/**
 * The claims each provider URL asks for (`?claims=age_over_20`): the shop's
 * server decides what it receives, so only its own choices are honoured.
 */
const CLAIM_CHOICES = { age_over_20: ['age_over_20'] };

/**
 * The shop's session provider: the element POSTs here (same origin, cookies
 * included); the shop creates the session through the Worker with what it
 * knows of the customer, and hands the Worker's JSON back unchanged. The age
 * check sends no kycData: an age-gated shop does not know the birth date, and
 * needs nothing of PayPay but the one fact.
 */
async function createSessionForCustomer(req, url, workerUrl, merchantApiToken) {
  if (!(req.headers.cookie ?? '').split(/;\s*/).includes(`demo_customer=${CUSTOMER.id}`)) {
    return {
      status: 401,
      body: JSON.stringify({
        error: { code: 'NOT_SIGNED_IN', message: 'Sign in first', requestId: 'demo' },
      }),
    };
  }
  const { lang } = await readJson(req);
  const choice = url.searchParams.get('claims');
  if (choice !== null && !Object.hasOwn(CLAIM_CHOICES, choice)) {
    return {
      status: 400,
      body: JSON.stringify({
        error: { code: 'UNKNOWN_CLAIMS', message: 'No such choice of claims', requestId: 'demo' },
      }),
    };
  }
  const claims = choice === null ? undefined : CLAIM_CHOICES[choice];
  const answer = await fetch(`${workerUrl}/v1/sessions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${merchantApiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      referenceId: CUSTOMER.id,
      ...(claims ? { claims } : { kycData: CUSTOMER.kycData }),
      lang: lang === 'en' ? 'en' : 'ja',
      // PayPay reopens this browser after approval on a phone (WEB_LINK).
      ...userAgentOf(req.headers['user-agent']),
    }),
  });
  return { status: answer.status, body: await answer.text() };
}

/** The customer's User-Agent as the Worker takes it: 1-255 printable characters, or none. */
function userAgentOf(header) {
  const userAgent = [...String(header ?? '')]
    .filter((char) => char >= ' ' && char !== '\u007f')
    .join('')
    .trim()
    .slice(0, 255);
  return userAgent ? { userAgent } : {};
}

/**
 * The backend route: trade the page's result token for what the session asked
 * for, and check the signed receipt. Answers `{answer, receiptCheck}`: the
 * Worker's answer as received, and what the receipt check found.
 */
async function exchange(req, workerUrl, merchantApiToken, checkReceipt) {
  const { resultToken } = await readJson(req);
  const response = await fetch(`${workerUrl}/v1/results/exchange`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${merchantApiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ resultToken }),
  });
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = text;
  }
  const receiptCheck = response.status === 200 ? await checkReceipt(answer) : undefined;
  return { status: response.status, body: JSON.stringify({ answer, receiptCheck }) };
}

async function serveFile(pathname) {
  const relative = normalize(pathname.slice(1));
  if (relative.startsWith('..') || relative.includes('\0') || relative.endsWith('.mjs'))
    return null;
  try {
    return { body: await readFile(join(demoDir, relative)), type: TYPES[extname(relative)] };
  } catch {
    return null;
  }
}

/** Starts the demo site; resolves with the server once it listens. */
export function startDemoServer({ port, host, workerUrl, merchantApiToken }) {
  const checkReceipt = receiptChecker(workerUrl);
  const server = createServer(async (req, res) => {
    const json = (status, body) => send(res, status, body, 'application/json', workerUrl);
    try {
      const url = new URL(req.url, 'http://demo');
      const { pathname } = url;
      if (pathname === '/api/exchange') {
        if (req.method !== 'POST') return json(405, '{"error":"use POST"}');
        const answer = await exchange(req, workerUrl, merchantApiToken, checkReceipt);
        return json(answer.status, answer.body);
      }
      if (pathname === '/api/kyc-session') {
        if (req.method !== 'POST') return json(405, '{"error":"use POST"}');
        const answer = await createSessionForCustomer(req, url, workerUrl, merchantApiToken);
        return json(answer.status, answer.body);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, '{"error":"use GET"}');
      if (pathname === '/' || pathname === '/index.html') {
        return send(res, 200, await page(workerUrl), TYPES['.html'], workerUrl, {
          'Set-Cookie': SIGN_IN_COOKIE,
        });
      }
      const file = await serveFile(decodeURIComponent(pathname));
      if (!file?.type) return json(404, '{"error":"not found"}');
      return send(res, 200, file.body, file.type, workerUrl);
    } catch {
      json(400, '{"error":"bad request"}');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
