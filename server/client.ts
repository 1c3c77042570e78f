import type { components } from './api-types.js';
import { KycPassportError } from './errors.js';

type Schemas = components['schemas'];

/** Body of `createSession`: what a merchant server may send (docs/api.md, merchant mode). */
export type MerchantSessionRequest = Schemas['MerchantSessionRequest'];
/**
 * Answer of `createSession`: show `qrUrl` as a QR, or as a link on phones; or, for a
 * session created with a `returnUrl`, send the customer to `url` (docs/hosted-page.md).
 */
export type CreatedSession = Schemas['CreatedSession'];
/** Answer of `session`: a session's status, never anything personal. */
export type SessionView = Schemas['SessionView'];
/** Answer of `exchange`: the KYC info, once. */
export type ExchangeResult = Schemas['ExchangeResult'];
/** Answer of `user`. */
export type UserState = Schemas['UserState'];
/** Answer of `kyc`: live from PayPay. */
export type UserKyc = Schemas['UserKyc'];
/** Answer of `forget`. */
export type ForgetAccepted = Schemas['ForgetAccepted'];
/** One event of the feed, as `events` yields it and `verifyEvent` returns it. */
export type FeedEvent = Schemas['FeedEvent'];
/** One page of `GET /v1/events`. */
export type FeedPage = Schemas['FeedPage'];

export interface ClientOptions {
  /** The Worker's origin, e.g. `https://kyc.example.com` (a path prefix is kept). */
  endpoint: string;
  /** `MERCHANT_API_TOKEN`: sent as the bearer, never put in an error. */
  token: string;
  /** Another fetch (a test double, a proxying one); the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Milliseconds before a call gives up with `TIMEOUT`; 30 000 by default. */
  timeoutMs?: number;
}

export interface EventsOptions {
  /** A cursor from an earlier page or iterator (`cursor`); the feed's start when absent. */
  after?: string;
  /** Events per page (the Worker takes 1 to 1000; 100 when absent). */
  limit?: number;
}

/**
 * The feed, event by event, oldest first, paging `GET /v1/events` until a page
 * comes back empty (caught up): then the iteration ends. Lazy: nothing is
 * fetched before the first `next()`.
 *
 * `cursor` is where to resume: save it after handling each event and pass it
 * back as `after`. It never skips an event that was not yielded; it moves at
 * page ends (the feed's cursors are per page), so a resume can repeat up to a
 * page of events already handled: de-duplicate on `event.id`, as for forwarded
 * events. Once the iteration ends it is the feed's end, to poll again from.
 */
export interface EventStream extends AsyncIterable<FeedEvent> {
  readonly cursor: string;
  /** The next event; `done` once a page comes back empty. */
  next(): Promise<IteratorResult<FeedEvent, undefined>>;
  /** Stops paging (what `break` in `for await` calls). */
  return(): Promise<IteratorResult<FeedEvent, undefined>>;
  [Symbol.asyncIterator](): EventStream;
}

/** The merchant server's calls to the Worker (`Authorization: Bearer MERCHANT_API_TOKEN`). */
export interface KycPassportClient {
  /**
   * `POST /v1/sessions` as the merchant: may carry `phoneNumber`, `userAgent`, `kycData`,
   * and `returnUrl`, whose answer then carries `url`, the hosted page.
   */
  createSession(body?: MerchantSessionRequest): Promise<CreatedSession>;
  /** `GET /v1/sessions/:id`: its status, and `resultToken` once completed. */
  session(sessionId: string): Promise<SessionView>;
  /** `POST /v1/results/exchange`: the KYC info of a completed session, once. */
  exchange(resultToken: string): Promise<ExchangeResult>;
  /** `GET /v1/users/:id`: what webhooks, recon files and re-reads told us about the user. */
  user(userAuthorizationId: string): Promise<UserState>;
  /** `GET /v1/users/:id/kyc`: KYC Passport info, live from PayPay. */
  kyc(userAuthorizationId: string): Promise<UserKyc>;
  /** `DELETE /v1/users/:id`: unlink the user at PayPay and forget them (202). */
  forget(userAuthorizationId: string): Promise<ForgetAccepted>;
  /** The event feed as an async iterator (see `EventStream`). */
  events(options?: EventsOptions): EventStream;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * A client of the Worker for the merchant's server. Runs wherever `fetch` does
 * (Node 18+, Workers, Deno, Bun). Every failure is a `KycPassportError`.
 */
export function createClient(options: ClientOptions): KycPassportClient {
  const base = endpointOf(options.endpoint);
  if (typeof options.token !== 'string' || options.token === '')
    throw new TypeError('createClient: token (MERCHANT_API_TOKEN) is required');
  const token = options.token;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(
    method: string,
    path: string,
    route: string,
    expected: number,
    body?: unknown,
  ): Promise<T> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const where = `${method} ${route}`;
    let status: number;
    let requestId: string | null;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await fetchFn(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // A bearer never follows a redirect: a 3xx is an INVALID_RESPONSE.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      requestId = response.headers.get('X-Request-Id');
      retryAfter = response.headers.get('Retry-After');
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new KycPassportError(
        timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        timedOut
          ? `${where}: no answer within ${timeoutMs} ms`
          : `${where}: the Worker could not be reached`,
        { cause: error },
      );
    }
    const json = parseJson(text);
    const details = { status, requestId, retryAfterSeconds: secondsOf(retryAfter) };
    if (status === expected && isObject(json)) return json as T;
    const envelope = isObject(json) && isObject(json.error) ? json.error : null;
    if (status >= 400 && envelope && typeof envelope.code === 'string') {
      throw new KycPassportError(
        envelope.code,
        `${where}: ${status} ${envelope.code}${typeof envelope.message === 'string' ? `: ${envelope.message}` : ''}`,
        {
          ...details,
          requestId: typeof envelope.requestId === 'string' ? envelope.requestId : requestId,
          paypayRequestId:
            typeof envelope.paypayRequestId === 'string' ? envelope.paypayRequestId : null,
        },
      );
    }
    throw new KycPassportError(
      'INVALID_RESPONSE',
      `${where}: answered ${status} with ${json === undefined ? 'a body that is not JSON' : 'JSON that is not the expected answer'}`,
      details,
    );
  }

  const userPath = (id: string) => `/v1/users/${segment(id, 'userAuthorizationId')}`;

  // async: an id refused before sending rejects like any other failure, never throws.
  return {
    createSession: async (body = {}) => call('POST', '/v1/sessions', '/v1/sessions', 201, body),
    session: async (sessionId) =>
      call('GET', `/v1/sessions/${segment(sessionId, 'sessionId')}`, '/v1/sessions/{id}', 200),
    exchange: async (resultToken) =>
      call('POST', '/v1/results/exchange', '/v1/results/exchange', 200, { resultToken }),
    user: async (id) => call('GET', userPath(id), '/v1/users/{id}', 200),
    kyc: async (id) => call('GET', `${userPath(id)}/kyc`, '/v1/users/{id}/kyc', 200),
    forget: async (id) => call('DELETE', userPath(id), '/v1/users/{id}', 202),
    events(options = {}) {
      let cursor = options.after ?? '';
      async function* pages(): AsyncGenerator<FeedEvent, undefined, undefined> {
        for (;;) {
          const query = new URLSearchParams();
          const after = cursor;
          if (after !== '') query.set('after', after);
          if (options.limit !== undefined) query.set('limit', String(options.limit));
          const search = query.toString() === '' ? '' : `?${query}`;
          const page = await call<FeedPage>('GET', `/v1/events${search}`, '/v1/events', 200);
          if (!Array.isArray(page.events) || typeof page.cursor !== 'string')
            throw new KycPassportError(
              'INVALID_RESPONSE',
              'GET /v1/events: answered 200 with JSON that is not a feed page',
              { status: 200 },
            );
          if (page.events.length === 0) {
            cursor = page.cursor;
            return;
          }
          if (page.cursor === after)
            throw new KycPassportError(
              'INVALID_RESPONSE',
              'GET /v1/events: a page of events did not move the cursor',
              { status: 200 },
            );
          for (const [index, event] of page.events.entries()) {
            // Past the page's last event only once that event is handed out.
            if (index === page.events.length - 1) cursor = page.cursor;
            yield event;
          }
        }
      }
      const generator = pages();
      const stream: EventStream = {
        get cursor() {
          return cursor;
        },
        next: () => generator.next(),
        return: () => generator.return(undefined),
        [Symbol.asyncIterator]: () => stream,
      };
      return stream;
    },
  };
}

/**
 * The endpoint without a trailing slash; a TypeError for anything but an https
 * URL, or an http one to a loopback host (`wrangler dev`): every call carries
 * the bearer, which plain http shows to anyone on the way.
 */
function endpointOf(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(
      'createClient: endpoint must be the Worker URL, e.g. https://kyc.example.com',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new TypeError('createClient: endpoint must be an http(s) URL');
  if (url.username || url.password || url.search || url.hash)
    throw new TypeError('createClient: endpoint takes no credentials, query or fragment');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new TypeError(
      `createClient: endpoint is plain http to ${url.hostname}, which is not a loopback host: every call sends the bearer token (MERCHANT_API_TOKEN), which http shows to anyone on the way. Use https (http only for 127.0.0.1, localhost or [::1])`,
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** 127.0.0.0/8, localhost or [::1]: a host on this machine, where http never leaves it. */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** An id as one path segment; `.` and `..` (which URLs resolve away) are refused unsent. */
function segment(id: string, name: string): string {
  if (typeof id !== 'string' || id === '' || id === '.' || id === '..')
    throw new KycPassportError('INVALID_ID', `${name} must be a non-empty id`);
  return encodeURIComponent(id);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function secondsOf(header: string | null): number | null {
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header.trim());
}
