import type { PayPayOperation } from '../../shared/paypay-codes';
import { DEFAULT_ENDPOINTS, type Endpoint, type EndpointTable } from './endpoints';
import { parseAnswer, type Attempt } from './answer';
import { DEFAULT_FIELDS, kycPassportBody, type FieldTable } from './fields';
import { readAuthorization, type Authorization } from './authorization';
import { readCreatedQr } from './qr-answer';
import type { CreatedQr, KycInfo, PayPayFailure, PayPayCall } from './call';
import {
  backoffDelay,
  DEFAULT_RETRY,
  isRetryable,
  parseRetryAfter,
  type RetryPolicy,
} from './retry';
import { newRequestNonce, opaAuthHeader } from './signing';

/** Credentials and seams of a client; the seams exist so tests control time and randomness. */
export interface PayPayClientOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Sent as X-ASSUME-MERCHANT when set (agent clients). */
  merchantId?: string | undefined;
  endpoints?: EndpointTable;
  fields?: FieldTable;
  retry?: RetryPolicy;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What our session asks PayPay for when it creates a KYC Passport QR. */
export interface CreateQrInput {
  scopes: string[];
  nonce: string;
  redirectUrl: string;
  redirectType: 'WEB_LINK' | 'APP_DEEP_LINK';
  /** BASE64URL(SHA-256(code verifier)); the verifier itself never leaves the Worker. */
  codeChallenge: string;
  referenceId?: string | undefined;
  phoneNumber?: string | undefined;
  userAgent?: string | undefined;
  kycData?: Record<string, unknown> | undefined;
}

/** What one call sends besides the endpoint table's method and path. */
export interface CallSpec {
  pathParams?: Record<string, string>;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One try as it went, with PayPay's `Date` header (the doctor measures clock skew with it). */
type SentAttempt = Attempt & { date: string | null };

/** What `probe` saw: how its one try ended, and PayPay's `Date` header. */
export interface ProbeTry {
  call: PayPayCall<unknown>;
  date: string | null;
}

const textEncoder = new TextEncoder();

/** One call made ready to send: the same bytes are signed and sent on every try. */
interface Prepared {
  operation: PayPayOperation;
  endpoint: Endpoint;
  url: URL;
  path: string;
  headers: Record<string, string> | undefined;
  bytes: Uint8Array | undefined;
}

/**
 * PayPay's OPA API for KYC Passport. Every method resolves to a typed
 * PayPayCall and never throws: a Worker route must be able to turn any PayPay
 * answer, or the lack of one, into a clear status for the customer.
 */
export class PayPayClient {
  private readonly endpoints: EndpointTable;
  private readonly fields: FieldTable;
  private readonly retry: RetryPolicy;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PayPayClientOptions) {
    this.endpoints = options.endpoints ?? DEFAULT_ENDPOINTS;
    this.fields = options.fields ?? DEFAULT_FIELDS;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** "Create Account Linking QR Code" with the KYC Passport flow. */
  async createKycPassportQr(input: CreateQrInput): Promise<PayPayCall<CreatedQr>> {
    const body = {
      scopes: input.scopes,
      nonce: input.nonce,
      redirectType: input.redirectType,
      redirectUrl: input.redirectUrl,
      referenceId: input.referenceId,
      phoneNumber: input.phoneNumber,
      userAgent: input.userAgent,
      kycData: input.kycData,
      accountLinkFlow: 'KYC_PASSPORT',
      kycPassport: kycPassportBody(this.fields.createQr.kycPassport, input.codeChallenge),
    };
    const call = await this.call('createQr', { body });
    if (!call.ok) return call;
    const read = readCreatedQr(call.data, this.fields.createQr, this.now());
    if (!read.ok) return badShape(call, read.error);
    return { ...call, data: read.value };
  }

  /** "Fetch KYC info of completed KYC Passport QR". */
  fetchCompletedKyc(
    codeId: string,
    body: { codeVerifier: string; userAuthorizationId: string },
  ): Promise<PayPayCall<KycInfo>> {
    return this.callForObject('fetchCompletedKyc', { pathParams: { codeId }, body });
  }

  /** KYC Passport info of a linked user (X-USER-AUTHORIZATION-ID header). */
  kycPassportInfo(userAuthorizationId: string): Promise<PayPayCall<KycInfo>> {
    return this.callForObject('kycPassportInfo', {
      headers: { 'X-USER-AUTHORIZATION-ID': userAuthorizationId },
    });
  }

  /** "Get the user's KYC information", optionally asking for eKYC details. */
  userKycInfo(userAuthorizationId: string, requiredKycType?: 'EKYC'): Promise<PayPayCall<KycInfo>> {
    return this.callForObject('userKycInfo', { query: { userAuthorizationId, requiredKycType } });
  }

  /** "Get user authorization status": status, granted scopes, expiry. */
  async userAuthorization(userAuthorizationId: string): Promise<PayPayCall<Authorization>> {
    const call = await this.call('userAuthorization', { query: { userAuthorizationId } });
    if (!call.ok) return call;
    return { ...call, data: readAuthorization(call.data) };
  }

  /** "Unlink user": ends the authorization at PayPay (REQUEST_ACCEPTED). */
  async unlinkUser(userAuthorizationId: string): Promise<PayPayCall<null>> {
    const call = await this.call('unlinkUser', { pathParams: { userAuthorizationId } });
    return call.ok ? { ...call, data: null } : call;
  }

  private async callForObject(
    operation: PayPayOperation,
    spec: CallSpec,
  ): Promise<PayPayCall<KycInfo>> {
    const call = await this.call(operation, spec);
    if (!call.ok) return call;
    if (typeof call.data !== 'object' || call.data === null || Array.isArray(call.data)) {
      return badShape(call, 'PayPay answered success without a data object');
    }
    return { ...call, data: call.data as KycInfo };
  }

  /**
   * Exactly one signed try of `operation`, never retried, waiting at most
   * `timeoutMs` (capped by the endpoint's own timeout). For the doctor's probes:
   * a diagnosis must see PayPay's first answer, and must not multiply its calls.
   */
  async probe(operation: PayPayOperation, spec: CallSpec, timeoutMs: number): Promise<ProbeTry> {
    const request = this.prepare(operation, spec);
    const { endpoint } = request;
    const sent = await this.attempt(request, Math.min(timeoutMs, endpoint.timeoutMs));
    return { call: parseAnswer(operation, endpoint.kind, sent, 1), date: sent.date };
  }

  private prepare(operation: PayPayOperation, spec: CallSpec): Prepared {
    const endpoint = this.endpoints[operation];
    const base = new URL(this.options.baseUrl);
    const path = base.pathname.replace(/\/+$/, '') + fillPath(endpoint.path, spec.pathParams ?? {});
    const url = new URL(path, base.origin);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    // Serialised once: the bytes signed are the bytes sent, on every try.
    const bytes =
      spec.body === undefined ? undefined : textEncoder.encode(JSON.stringify(spec.body));
    return { operation, endpoint, url, path, headers: spec.headers, bytes };
  }

  private async call(operation: PayPayOperation, spec: CallSpec): Promise<PayPayCall<unknown>> {
    const request = this.prepare(operation, spec);
    const { endpoint } = request;
    let attempt = 1;
    for (;;) {
      const sent = await this.attempt(request, endpoint.timeoutMs);
      const call = parseAnswer(operation, endpoint.kind, sent, attempt);
      if (call.ok || attempt >= this.retry.maxAttempts || !isRetryable(endpoint.kind, call)) {
        return call;
      }
      const retryAfter = sent.kind === 'answer' ? parseRetryAfter(sent.retryAfter) : null;
      await this.sleep(backoffDelay(this.retry, attempt, this.random, retryAfter));
      attempt += 1;
    }
  }

  private async attempt(request: Prepared, timeoutMs: number): Promise<SentAttempt> {
    const { operation, url, path, bytes: body } = request;
    const method = request.endpoint.method;
    const headers = new Headers(request.headers);
    const contentType = body === undefined ? undefined : 'application/json';
    if (contentType !== undefined) headers.set('Content-Type', contentType);
    headers.set(
      'Authorization',
      opaAuthHeader({
        apiKey: this.options.apiKey,
        apiSecret: this.options.apiSecret,
        method,
        path,
        contentType,
        body,
        nonce: newRequestNonce(),
        epoch: Math.floor(this.now() / 1000),
      }),
    );
    if (this.options.merchantId) headers.set('X-ASSUME-MERCHANT', this.options.merchantId);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await this.fetchFn(url.toString(), {
        method,
        headers,
        body: body ?? null,
        signal: controller.signal,
        redirect: 'manual',
      });
      // The timer also covers reading the body: a stalled body is a timeout too.
      const text = await response.text();
      return {
        kind: 'answer',
        status: response.status,
        text,
        requestId: response.headers.get('X-REQUEST-ID'),
        retryAfter: response.headers.get('Retry-After'),
        date: response.headers.get('Date'),
      };
    } catch (error) {
      return controller.signal.aborted
        ? { kind: 'timeout', timeoutMs, date: null }
        : { kind: 'network', detail: describeNetworkError(operation, error), date: null };
    } finally {
      clearTimeout(timer);
    }
  }
}

function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}

function badShape(
  call: {
    operation: PayPayOperation;
    status: number;
    requestId: string | null;
    attempts: number;
  },
  message: string,
): PayPayFailure {
  return {
    ok: false,
    operation: call.operation,
    kind: 'bad_response',
    status: call.status,
    code: 'BAD_RESPONSE',
    known: false,
    codeId: null,
    message,
    requestId: call.requestId,
    outcomeUnknown: false,
    attempts: call.attempts,
  };
}

function describeNetworkError(operation: PayPayOperation, error: unknown): string {
  // Only the error's class name: messages of fetch errors may echo URLs or headers.
  const name = error instanceof Error ? error.name : 'Error';
  return `${operation}: connection to PayPay failed (${name})`;
}
