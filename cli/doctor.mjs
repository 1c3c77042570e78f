// `paypay-kyc doctor` (and `npm run doctor`, scripts/doctor.mjs): asks a deployed
// Worker to check itself (GET /v1/doctor, from the edge, with its real secrets
// and outbound addresses), adds what only an outside caller can see (is
// CALLBACK_URL reachable from the internet?), prints one row per check and exits
// 0 (all ok), 1 (a check failed) or 2 (the doctor could not run). Never prints a
// secret or the token.
import {
  CannotRun,
  WORKER_OPTIONS,
  call,
  bearerEndpointOf,
  parse,
  reasonOf,
  tokenOf,
} from './common.mjs';

export const summary = 'the checks of GET /v1/doctor, plus CALLBACK_URL seen from outside';

export const usage = `Usage: paypay-kyc doctor --endpoint <Worker URL> [--json]

Asks the Worker to check its settings, clock, signature, scopes, PayPay endpoints,
callback, webhooks and recon from where it runs, and checks from here that
CALLBACK_URL reaches it.

  --endpoint <url>  the Worker, e.g. https://kyc.example.com (env PAYPAY_KYC_ENDPOINT)
  --token <token>   the merchant bearer; better in the env MERCHANT_API_TOKEN
  --json            print the rows as a JSON array of {check, ok, detail, requestId?}
  --help            this text

Exit status: 0 every check passed, 1 a check failed, 2 the doctor could not run.`;

const REQUEST_ID = /^req_[0-9a-f]{24}$/;
/** The Worker's callback row starts with the URL it checked (origin and path only). */
const CHECKED_CALLBACK = /^CALLBACK_URL (https?:\/\/[^\s]+) /;

export async function run(argv) {
  const { values } = parse(argv, WORKER_OPTIONS, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  const token = tokenOf(values);
  const answer = await askWorker(origin, token);
  const rows = answer.checks.map(({ check, ok, detail, requestId }) =>
    requestId ? { check, ok, detail, requestId } : { check, ok, detail },
  );
  const index = rows.findIndex((row) => row.check === 'callback');
  if (index >= 0) rows[index] = await withReachability(rows[index]);
  const failed = rows.filter((row) => !row.ok).length;
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    const verdict = failed === 0 ? 'all ok' : `${failed} failed`;
    console.log(
      `PayPay KYC Passport doctor for ${origin}: ${rows.length} checks, ${verdict} (Worker request id: ${answer.requestId})`,
    );
    const width = Math.max(...rows.map((row) => row.check.length));
    for (const row of rows) {
      const id = row.requestId ? `  PayPay request id: ${row.requestId}` : '';
      console.log(
        `${(row.ok ? 'ok' : 'FAIL').padEnd(4)}  ${row.check.padEnd(width)}  ${row.detail}${id}`,
      );
    }
  }
  return failed === 0 ? 0 : 1;
}

/** GET /v1/doctor; anything but a 200 with rows means the doctor could not run. */
async function askWorker(origin, token) {
  const answer = await call(`${origin}/v1/doctor`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const { status, body } = answer;
  if (status === 200 && Array.isArray(body?.checks)) return body;
  const requestId = body?.requestId ?? body?.error?.requestId ?? answer.headers.get('X-Request-Id');
  const quote = requestId ? ` (Worker request id: ${requestId})` : '';
  const code = body?.error?.code ?? `HTTP ${status}`;
  const why = {
    401: `${origin} refused the token (401 ${code}): MERCHANT_API_TOKEN is not this Worker's merchant token.`,
    429: `${origin} is rate-limited (429 ${code}): the doctor runs at most 6 times a minute; try again in ${answer.headers.get('Retry-After') ?? 'a few'} s.`,
    404: `${origin} has no doctor route (404 ${code}): is this the Worker, and is it deployed from this version?`,
  }[status];
  throw new CannotRun(
    `${why ?? `${origin} answered ${status} ${code}${body?.error?.message ? `: ${body.error.message}` : ''}.`}${quote}`,
  );
}

/**
 * What the Worker cannot see of itself: CALLBACK_URL fetched from outside, as a
 * phone would, without a responseToken. This Worker answers that with a 303 to
 * its page on the same origin (the HTML "invalid link" page) and our
 * X-Request-Id header; anything else is not it.
 */
async function withReachability(row) {
  const checked = CHECKED_CALLBACK.exec(row.detail)?.[1];
  if (!row.ok || !checked) return row;
  let response;
  let page;
  try {
    const get = async (url) => {
      const answer = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      await answer.arrayBuffer();
      return answer;
    };
    response = await get(checked);
    // The callback sends the phone on to its page, on its own origin only.
    const next = response.headers.get('Location');
    const onward = response.status === 303 && next ? new URL(next, checked) : null;
    page = onward?.origin === new URL(checked).origin ? await get(onward) : response;
  } catch (error) {
    return unreachable(row, checked, `failed (${reasonOf(error)})`);
  }
  const requestId = response.headers.get('X-Request-Id') ?? '';
  const type = page.headers.get('Content-Type') ?? '';
  if (!REQUEST_ID.test(requestId) || !type.startsWith('text/html')) {
    return unreachable(row, checked, `answered ${response.status} without this Worker's page`);
  }
  const how = page === response ? '' : ` ${response.status}, then`;
  return {
    ...row,
    detail: `${row.detail} From outside, it answered${how} ${page.status} with this Worker's page (Worker request id ${requestId}).`,
  };
}

function unreachable(row, url, what) {
  const { host } = new URL(url);
  return {
    ...row,
    ok: false,
    detail: `${row.detail} But from outside, GET ${url} ${what}. Fix: route ${host} to this Worker (a route or custom domain) and let phones reach it without a login or firewall in the way.`,
  };
}
