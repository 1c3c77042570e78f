// `npm run doctor -- --endpoint <Worker URL> [--json]`: asks a deployed Worker to
// check itself (GET /v1/doctor, from the edge, with its real secrets and outbound
// addresses), adds what only an outside caller can see (is CALLBACK_URL reachable
// from the internet?), prints one row per check and exits 0 (all ok), 1 (a check
// failed) or 2 (the doctor could not run). Never prints a secret or the token.
import { parseArgs } from 'node:util';

const USAGE = `Usage: MERCHANT_API_TOKEN=<token> npm run doctor -- --endpoint <Worker URL> [--json]

  --endpoint <url>  the deployed Worker, e.g. https://kyc.example.com
  --json            print the rows as a JSON array of {check, ok, detail, requestId?}
  --help            this text

Exit status: 0 every check passed, 1 a check failed, 2 the doctor could not run.`;

const REQUEST_ID = /^req_[0-9a-f]{24}$/;
/** The Worker's callback row starts with the URL it checked (origin and path only). */
const CHECKED_CALLBACK = /^CALLBACK_URL (https?:\/\/[^\s]+) /;

/** The doctor could not run: a reason on stderr, exit 2. */
class CannotRun extends Error {}

async function main(argv) {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        endpoint: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new CannotRun(`${error.message}\n\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (!args.endpoint) throw new CannotRun(`--endpoint is required.\n\n${USAGE}`);
  if (!URL.canParse(args.endpoint) || !/^https?:$/.test(new URL(args.endpoint).protocol)) {
    throw new CannotRun('--endpoint must be an http(s) URL of the Worker.');
  }
  const token = process.env.MERCHANT_API_TOKEN?.trim();
  if (!token) {
    throw new CannotRun(
      "MERCHANT_API_TOKEN is not set: the doctor route needs the Worker's merchant bearer token, read from the environment (never from the command line, where it would be seen).",
    );
  }
  // The origin only: a URL's credentials or query are nobody's business in a printout.
  const origin = new URL(args.endpoint).origin;
  const answer = await askWorker(origin, token);
  const rows = answer.checks.map(({ check, ok, detail, requestId }) =>
    requestId ? { check, ok, detail, requestId } : { check, ok, detail },
  );
  const index = rows.findIndex((row) => row.check === 'callback');
  if (index >= 0) rows[index] = await withReachability(rows[index]);
  const failed = rows.filter((row) => !row.ok).length;
  if (args.json) {
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
  let response;
  try {
    response = await fetch(`${origin}/v1/doctor`, {
      headers: { Authorization: `Bearer ${token}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CannotRun(`Could not reach ${origin}: ${reasonOf(error)}.`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not the Worker's JSON: said below.
  }
  const requestId =
    body?.requestId ?? body?.error?.requestId ?? response.headers.get('X-Request-Id');
  const quote = requestId ? ` (Worker request id: ${requestId})` : '';
  if (response.status === 200 && Array.isArray(body?.checks)) return body;
  const code = body?.error?.code ?? `HTTP ${response.status}`;
  const why = {
    401: `${origin} refused the token (401 ${code}): MERCHANT_API_TOKEN is not this Worker's merchant token.`,
    429: `${origin} is rate-limited (429 ${code}): the doctor runs at most 6 times a minute; try again in ${response.headers.get('Retry-After') ?? 'a few'} s.`,
    404: `${origin} has no doctor route (404 ${code}): is this the Worker, and is it deployed from this version?`,
  }[response.status];
  throw new CannotRun(
    `${why ?? `${origin} answered ${response.status} ${code}${body?.error?.message ? `: ${body.error.message}` : ''}.`}${quote}`,
  );
}

/**
 * What the Worker cannot see of itself: CALLBACK_URL fetched from outside, as a
 * phone would, without a responseToken. This Worker answers that with its HTML
 * "invalid link" page and our X-Request-Id header; anything else is not it.
 */
async function withReachability(row) {
  const checked = CHECKED_CALLBACK.exec(row.detail)?.[1];
  if (!row.ok || !checked) return row;
  let response;
  try {
    response = await fetch(checked, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
  } catch (error) {
    return unreachable(row, checked, `failed (${reasonOf(error)})`);
  }
  const requestId = response.headers.get('X-Request-Id') ?? '';
  const type = response.headers.get('Content-Type') ?? '';
  if (!REQUEST_ID.test(requestId) || !type.startsWith('text/html')) {
    return unreachable(row, checked, `answered ${response.status} without this Worker's page`);
  }
  return {
    ...row,
    detail: `${row.detail} From outside, it answered ${response.status} with this Worker's page (Worker request id ${requestId}).`,
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

function reasonOf(error) {
  // The cause's code (ECONNREFUSED, ENOTFOUND…) says more than "fetch failed".
  // undici's causes name the failure, never a header, so the token cannot show up here.
  return error?.cause?.code ?? error?.cause?.message ?? error?.name ?? 'error';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof CannotRun ? error.message : `doctor: ${reasonOf(error)}`);
    process.exitCode = 2;
  },
);
