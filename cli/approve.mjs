// `paypay-kyc approve <sessionId|qrUrl>`: plays the PayPay user on the sandbox's
// phone page (picks an outcome, as test/e2e does in a browser), follows PayPay's
// redirect to the Worker's callback as the phone's browser would, and prints what
// came of it. Never prints the responseToken or the session's result token.
import {
  CannotRun,
  SANDBOX_OPTIONS,
  UsageError,
  apiKeyOf,
  call,
  endpointOf,
  originOf,
  parse,
  sandboxCall,
  sandboxOf,
  sandboxRefused,
  sleep,
  workerRefused,
} from './common.mjs';

/** shared/wire.ts SESSION_ID_PATTERN: `<object id, 64 hex>.<secret, 24 base64url>`. */
const SESSION_ID = /^([0-9a-f]{64})\.[A-Za-z0-9_-]{24}$/;
/** The outcomes the sandbox phone page offers (sandbox/README.md, "The phone page"). */
const OUTCOME_BUTTON = /data-outcome="([a-z_]+)"/g;
/** Its birth-date and document pickers' options. */
const BIRTH_DATE_OPTION = /data-birth-date="([\w-]+)"/g;
const DOCUMENT_OPTION = /data-document="([\w-]+)"/g;
/** The Worker's callback page says what it made of the phone's return. */
const PAGE_OUTCOME = /<main[^>]*data-outcome="([a-z_]+)"/;

export const summary = 'play the PayPay user: approve (or decline…) a session on the sandbox phone';

const LOCAL_WORKER = 'http://127.0.0.1:8787';

export const usage = `Usage: paypay-kyc approve <sessionId|qrUrl> [--outcome complete] [--endpoint <Worker URL>]

Answers the sandbox's phone page for this QR as the PayPay user would, then
follows PayPay's redirect to the Worker's callback, as the phone's browser does.
Give the qrUrl of POST /v1/sessions, or the sessionId (then the Worker and the
sandbox are asked which QR it is).

  --outcome <name>           what the user does (default complete); the phone page offers
                             complete, decline, kyc_not_completed, risk_flagged,
                             kyc_update_required, cancelled_user, bad_request, expire
  --non-ekyc                 the user's KYC was not done by eKYC (kycType NON_EKYC)
  --identity <who>           expected (default) or other: who approves a session sent with kycData
  --birth-date <preset>      the user's birth date, counted from today in Japan: age-17, 18-tomorrow,
                             18-today, 19, 20-tomorrow, 20-today, adult, leap-day, none (no birth date)
  --document <name>          how PayPay checked the identity: MY_NUMBER_CARD, MY_NUMBER_CARD_JPKI,
                             DRIVERS_LICENSE, DRIVERS_LICENSE_IMAGE, RESIDENCE_CARD, PASSPORT, COUNTER
  --endpoint <url>           the Worker, for a sessionId (env PAYPAY_KYC_ENDPOINT;
                             default http://127.0.0.1:8787, where wrangler dev listens)
  --sandbox <url>            the sandbox, for a sessionId (env PAYPAY_KYC_SANDBOX; default http://127.0.0.1:8788)
  --api-key <key>            the sandbox merchant, for a sessionId (env SANDBOX_API_KEY)
  --json                     print {outcome, phone, callback, session} as JSON
  --help                     this text

Exit status: 0 the phone answered and the Worker's callback page came back 200 (for
expire: the QR expired), 1 the callback answered otherwise, 2 could not run
(unknown or already answered session or QR, unreachable).`;

export async function run(argv) {
  const options = {
    ...SANDBOX_OPTIONS,
    endpoint: { type: 'string' },
    outcome: { type: 'string', default: 'complete' },
    'non-ekyc': { type: 'boolean', default: false },
    identity: { type: 'string' },
    'birth-date': { type: 'string' },
    document: { type: 'string' },
  };
  const { values, positionals } = parse(argv, options, usage, { positionals: 1 });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const [target] = positionals;
  if (!target) throw new UsageError('A sessionId or qrUrl is required.', usage);
  if (values.identity !== undefined && !['expected', 'other'].includes(values.identity)) {
    throw new UsageError('--identity must be expected or other.', usage);
  }
  const sessionId = SESSION_ID.test(target) ? target : null;
  let endpoint = null;
  let qrUrl;
  if (sessionId) {
    // A local command (the sandbox is local): the Worker is where `wrangler dev` puts it unless told.
    endpoint = endpointOf(
      { endpoint: values.endpoint ?? process.env.PAYPAY_KYC_ENDPOINT?.trim() ?? LOCAL_WORKER },
      usage,
    );
    qrUrl = await qrUrlOf(endpoint, sessionId, values);
  } else {
    originOf(target, 'The target (not a sessionId)', usage);
    qrUrl = target;
  }
  const offered = await offeredChoices(qrUrl);
  for (const [flag, value, names] of [
    ['--outcome', values.outcome, offered.outcomes],
    ['--birth-date', values['birth-date'], offered.birthDates],
    ['--document', values.document, offered.documents],
  ]) {
    if (value !== undefined && !names.includes(value)) {
      throw new UsageError(
        `${flag} must be one the phone page offers: ${names.join(', ')}.`,
        usage,
      );
    }
  }
  const form = new URLSearchParams({ outcome: values.outcome });
  if (values['non-ekyc']) form.set('kycType', 'NON_EKYC');
  if (values.identity) form.set('identity', values.identity);
  if (values['birth-date']) form.set('birthDate', values['birth-date']);
  if (values.document) form.set('document', values.document);
  const phone = await call(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const location = phone.headers.get('Location');
  const result = { outcome: values.outcome, phone: { status: phone.status }, callback: null };
  let code;
  if (phone.status === 303 && location) {
    // Location carries PayPay's responseToken: followed, never printed. The callback
    // uses it and sends the phone on (303) to its page, whose URL carries no token.
    const callback = await call(location);
    const next = callback.headers.get('Location');
    const page =
      callback.status === 303 && next ? await call(new URL(next, location).href) : callback;
    result.callback = {
      status: page.status,
      page: PAGE_OUTCOME.exec(page.text)?.[1] ?? null,
      // The callback's request did the work: its id is the one support looks up.
      requestId: callback.headers.get('X-Request-Id'),
    };
    code = page.status === 200 ? 0 : 1;
  } else if (values.outcome === 'expire' && phone.status === 410) {
    code = 0;
  } else {
    throw new CannotRun(`The phone page answered ${phone.status}${pageText(phone.text)}.`);
  }
  if (sessionId) result.session = await settled(endpoint, sessionId);
  if (values.json) {
    console.log(JSON.stringify(result));
  } else {
    print(result);
  }
  return code;
}

/**
 * The QR of a Worker session: the view's `qrUrl` when the Worker shows one, else
 * the sandbox's QR whose nonce the Worker made for this session (the Worker's
 * nonce starts with the session's object id).
 */
async function qrUrlOf(endpoint, sessionId, values) {
  const view = await call(`${endpoint}/v1/sessions/${sessionId}`);
  if (view.status !== 200) throw workerRefused(endpoint, view);
  if (view.body?.status !== 'pending') {
    throw new CannotRun(`Session ${short(sessionId)} is ${view.body?.status}, not pending.`);
  }
  if (typeof view.body.qrUrl === 'string') return view.body.qrUrl;
  const sandbox = sandboxOf(values, usage);
  const answer = await sandboxCall(sandbox, apiKeyOf(values), 'GET', '/sessions');
  if (answer.status !== 200 || !Array.isArray(answer.body?.sessions)) {
    throw sandboxRefused(sandbox, answer);
  }
  const objectId = SESSION_ID.exec(sessionId)[1];
  const qr = answer.body.sessions.find((s) => String(s.nonce).startsWith(`${objectId}.`));
  if (!qr) {
    throw new CannotRun(
      `The sandbox at ${sandbox} has no QR of session ${short(sessionId)}: is it the Worker's PAYPAY_API_BASE_URL, and --api-key (SANDBOX_API_KEY) the Worker's PAYPAY_API_KEY?`,
    );
  }
  if (typeof qr.linkQRCodeURL !== 'string') {
    throw new CannotRun(
      `The sandbox at ${sandbox} does not list QR links: pass the qrUrl instead.`,
    );
  }
  return qr.linkQRCodeURL;
}

/**
 * The outcome buttons and picker options of the phone page; an unknown or
 * closed QR cannot be answered.
 */
async function offeredChoices(qrUrl) {
  const page = await call(qrUrl);
  const all = (pattern) => [...new Set([...page.text.matchAll(pattern)].map((m) => m[1]))];
  const outcomes = all(OUTCOME_BUTTON);
  if (page.status === 200 && outcomes.length > 0) {
    return { outcomes, birthDates: all(BIRTH_DATE_OPTION), documents: all(DOCUMENT_OPTION) };
  }
  const why = { 404: 'no such QR', 410: 'the QR has expired or was answered already' }[page.status];
  throw new CannotRun(
    `The phone page ${new URL(qrUrl).origin}${new URL(qrUrl).pathname} answered ${page.status}${why ? ` (${why})` : pageText(page.text)}.`,
  );
}

/** The session's status once the callback's KYC fetch is over (it may still be `authorized`). */
async function settled(endpoint, sessionId) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await call(`${endpoint}/v1/sessions/${sessionId}`);
    if (view.status !== 200) throw workerRefused(endpoint, view);
    const { status, error } = view.body;
    if (status !== 'authorized' || Date.now() > deadline) {
      return error ? { status, error } : { status };
    }
    await sleep(250);
  }
}

function print(result) {
  console.log(`Phone: ${result.outcome} (the sandbox answered ${result.phone.status})`);
  if (result.callback) {
    const { status, page, requestId } = result.callback;
    console.log(
      `Callback: ${status} ${page ?? 'not the Worker page'}${requestId ? ` (Worker request id: ${requestId})` : ''}`,
    );
  } else {
    console.log('Callback: none (the QR expired on the phone)');
  }
  if (result.session) {
    const reason = result.session.error?.reason ? ` (${result.session.error.reason})` : '';
    console.log(`Session: ${result.session.status}${reason}`);
  }
}

/** A session id without its secret, for messages. */
function short(sessionId) {
  return `${sessionId.slice(0, 12)}…`;
}

/** The first words of an HTML page, to say what answered. */
function pageText(html) {
  const text = html
    .replace(/<(style|script|title)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? `: ${text.slice(0, 120)}` : '';
}
