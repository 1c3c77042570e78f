// What every command of `paypay-kyc` shares: argument parsing, the common flags
// and their environment variables, HTTP calls with a reason on failure, and the
// exit codes (0 done, 1 done but the result failed, 2 could not run).
import { parseArgs } from 'node:util';

export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:8788';

/** Bad arguments: the reason and the command's usage on stderr, exit 2. */
export class UsageError extends Error {
  constructor(message, usage) {
    super(usage ? `${message}\n\n${usage}` : message);
  }
}

/** The command could not do its work (unreachable, refused): the reason on stderr, exit 2. */
export class CannotRun extends Error {}

/**
 * `util.parseArgs` with the command's usage in every error. `options` are
 * parseArgs' options; `--help` is added. Unknown flags and stray positionals fail.
 */
export function parse(argv, options, usage, { positionals = 0 } = {}) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: positionals > 0,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error.message, usage);
  }
  if (!parsed.values.help && parsed.positionals.length > positionals) {
    throw new UsageError(`Unexpected argument '${parsed.positionals[positionals]}'.`, usage);
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** An http(s) URL, parsed; anything else is a usage error naming `what`. */
export function httpUrlOf(value, what, usage) {
  let url;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || !/^https?:$/.test(url.protocol)) {
    throw new UsageError(`${what} must be an http(s) URL.`, usage);
  }
  return url;
}

/** An http(s) URL's origin: credentials, path and query are nobody's business in a printout. */
export function originOf(value, what, usage) {
  return httpUrlOf(value, what, usage).origin;
}

/**
 * `--after`: a feed cursor an earlier run printed, or undefined. A cursor is the
 * Worker's to read (a number, or `c1.` and one per feed shard): here only text
 * that can go in a URL as it is, and the Worker says if it is not one of its cursors.
 */
export function cursorOf(value, usage) {
  if (value !== undefined && !/^[\w.~-]{1,2048}$/.test(value)) {
    throw new UsageError('--after must be a cursor an earlier run printed.', usage);
  }
  return value;
}

/** A whole number from `min` to `max` given for `flag`, or `fallback` when not given. */
export function integerOf(text, flag, min, max, fallback, usage) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}.`, usage);
  }
  return value;
}

/** The merchant Worker: `--endpoint`, else PAYPAY_KYC_ENDPOINT. */
export function endpointOf(values, usage) {
  const value = values.endpoint ?? process.env.PAYPAY_KYC_ENDPOINT?.trim();
  if (!value) {
    throw new UsageError('--endpoint (or PAYPAY_KYC_ENDPOINT) is required.', usage);
  }
  return originOf(value, '--endpoint', usage);
}

/**
 * The merchant Worker of a command that sends the bearer: https, or http only to
 * a loopback host (`wrangler dev`), since plain http shows the token to anyone
 * on the way.
 */
export function bearerEndpointOf(values, usage) {
  const origin = endpointOf(values, usage);
  const { protocol, hostname } = new URL(origin);
  if (protocol === 'http:' && !isLoopbackHost(hostname)) {
    throw new UsageError(
      `--endpoint ${origin} is plain http to ${hostname}, which is not a loopback host: this command sends MERCHANT_API_TOKEN as its bearer, and http shows it to anyone on the way. Use https (http only for 127.0.0.1, localhost or [::1]).`,
      usage,
    );
  }
  return origin;
}

/** 127.0.0.0/8, localhost or [::1]: a host on this machine, where http never leaves it. */
export function isLoopbackHost(hostname) {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** The merchant bearer: `--token`, else MERCHANT_API_TOKEN. Never printed. */
export function tokenOf(values) {
  const token = (values.token ?? process.env.MERCHANT_API_TOKEN)?.trim();
  if (!token) {
    throw new CannotRun(
      "MERCHANT_API_TOKEN is not set: this command needs the Worker's merchant bearer token, read from the environment (or --token, which other users of this machine can see in the process list).",
    );
  }
  return token;
}

/** The sandbox: `--sandbox`, else PAYPAY_KYC_SANDBOX, else the `sandbox` command's default. */
export function sandboxOf(values, usage) {
  const value = values.sandbox ?? process.env.PAYPAY_KYC_SANDBOX?.trim() ?? DEFAULT_SANDBOX_URL;
  return originOf(value || DEFAULT_SANDBOX_URL, '--sandbox', usage);
}

/** The sandbox merchant to act for: `--api-key`, else SANDBOX_API_KEY, else its default merchant. */
export function apiKeyOf(values) {
  return values['api-key'] ?? (process.env.SANDBOX_API_KEY?.trim() || undefined);
}

/** Options every sandbox-facing command takes. */
export const SANDBOX_OPTIONS = {
  sandbox: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean', default: false },
};

/** Options every Worker-facing command takes. */
export const WORKER_OPTIONS = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
};

/** Why a fetch failed: the cause's code (ECONNREFUSED, ENOTFOUND…) says more than "fetch failed". */
export function reasonOf(error) {
  // undici's causes name the failure, never a header, so a token cannot show up here.
  return error?.cause?.code ?? error?.cause?.message ?? error?.name ?? 'error';
}

/**
 * One HTTP call: `{status, headers, text, body}` (body: the parsed JSON or null).
 * A network failure is CannotRun naming the origin and the reason.
 */
export async function call(url, init = {}, timeoutMs = 30_000) {
  let response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      ...init,
      signal: init.signal ?? AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new CannotRun(`Could not reach ${new URL(url).origin}: ${reasonOf(error)}.`);
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the caller says what it expected.
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** A sandbox admin call (`/_sandbox/...`) for the merchant `apiKey` (undefined: the default one). */
export function sandboxCall(sandboxUrl, apiKey, method, path, body) {
  return call(`${sandboxUrl}/_sandbox${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(apiKey ? { 'X-Sandbox-Api-Key': apiKey } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** The sandbox refused an admin call: CannotRun with its error code and message. */
export function sandboxRefused(sandboxUrl, answer, hint = '') {
  const code = answer.body?.error?.code ?? `HTTP ${answer.status}`;
  const message = answer.body?.error?.message ?? answer.text.slice(0, 200);
  return new CannotRun(
    `The sandbox at ${sandboxUrl} answered ${answer.status} ${code}${message ? `: ${message}` : ''}${hint}`,
  );
}

/** A Worker's error answer: its status, code, message and our request id (never a token). */
export function workerRefused(origin, answer) {
  const code = answer.body?.error?.code ?? `HTTP ${answer.status}`;
  const requestId = answer.body?.error?.requestId ?? answer.headers.get('X-Request-Id');
  const quote = requestId ? ` (Worker request id: ${requestId})` : '';
  if (answer.status === 401) {
    return new CannotRun(
      `${origin} refused the token (401 ${code}): MERCHANT_API_TOKEN is not this Worker's merchant token.${quote}`,
    );
  }
  const message = answer.body?.error?.message;
  return new CannotRun(
    `${origin} answered ${answer.status} ${code}${message ? `: ${message}` : ''}.${quote}`,
  );
}

/**
 * Runs a command's `run(argv)` as a process: its exit code, or 2 with the reason
 * on stderr for a UsageError / CannotRun (any other error: its reason only).
 */
export function runMain(run, argv) {
  return Promise.resolve()
    .then(() => run(argv))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        const known = error instanceof UsageError || error instanceof CannotRun;
        console.error(known ? error.message : `paypay-kyc: ${error?.message ?? reasonOf(error)}`);
        process.exitCode = 2;
      },
    );
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
