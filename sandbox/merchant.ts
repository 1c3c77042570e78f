import { DurableObject } from 'cloudflare:workers';
import type { PayPayOperation } from '../shared/paypay-codes';
import { adminError, handleAdmin, json, readJson } from './admin';
import {
  createQr,
  fetchCompletedKyc,
  kycPassportInfo,
  unlinkUser,
  userAuthorization,
  userKycInfo,
} from './api';
import { parseOpaAuth, verifyOpaAuth } from './auth';
import { parseConfig, parseMerchant, type SandboxConfig } from './config';
import { isRecord, type Result } from './validate';
import { ApiError, envelope, errorEnvelope, internalError, unknownPath } from './envelope';
import { planFaults, sleep } from './faults';
import { messagePage } from './html';
import { answerPhone, notFoundPage, showPhonePage } from './phone';
import { reconDownload } from './recon';
import { requireClientScope } from './scopes';
import { matchRoute, type Route } from './routes';
import { selfieResponse } from './selfie';
import { MerchantStore } from './store';
import type { Tenant } from './tenant';
import type { Merchant } from './types';
import { retryPolicyOf, webhookContentTypeOf } from './variants';
import { deliver } from './webhooks';

type ApiRoute = Extract<Route, { kind: 'api' }>;

/**
 * Calls that change PayPay's state. Its INTERNAL_SERVER_ERROR means "outcome
 * unknown", so an internal_error fault on one of these still performs it: the
 * client must find out (a QR it can poll, an unlink it can read back or retry).
 */
const OUTCOME_UNKNOWN: ReadonlySet<PayPayOperation> = new Set(['createQr', 'unlinkUser']);

/**
 * One merchant (one API key): its secret, QR sessions, users, seen nonces,
 * faults, counters, recon files and delivery log. Being one object makes nonce
 * replay checks and QR answers race-free without locks.
 */
export class SandboxMerchant extends DurableObject<SandboxEnv> {
  private readonly store: MerchantStore;
  /** Parsed on first use: the vars do not change within an instance. */
  private config?: SandboxConfig;

  constructor(ctx: DurableObjectState, env: SandboxEnv) {
    super(ctx, env);
    this.store = new MerchantStore(ctx.storage);
  }

  /** Every request for this merchant, routed here by the Worker. */
  override async fetch(request: Request): Promise<Response> {
    try {
      const url = new URL(request.url);
      const route = matchRoute(request.method, url.pathname);
      const config = (this.config ??= parseConfig(this.env));
      if (route.kind === 'admin' && route.path === '/merchant' && request.method === 'PUT') {
        return this.register(await readJson(request));
      }
      const merchant = this.merchant(config);
      if (!merchant) {
        // Read the body anyway: answering mid-upload breaks the client's send.
        await request.arrayBuffer();
        return unknownMerchant(route);
      }
      const tenant = this.tenant(merchant, config, url);
      switch (route.kind) {
        case 'api': {
          const response = await this.api(tenant, route, request, url);
          // PayPay's answers carry its clock; a merchant's skewed clock shows here.
          response.headers.set('Date', new Date(tenant.now() * 1000).toUTCString());
          return response;
        }
        case 'phone':
          if (request.method === 'GET') return showPhonePage(tenant, route.codeId);
          if (request.method === 'POST') return await answerPhone(tenant, route.codeId, request);
          return messagePage(405, 'この操作はできません。', 'Method not allowed.');
        case 'recon': {
          const token = url.searchParams.get('token') ?? '';
          const file = this.store.file(route.fileId);
          const failing = (file?.failuresLeft ?? 0) > 0;
          if (file) {
            this.store.putFile({
              ...file,
              downloads: (file.downloads ?? 0) + 1,
              failuresLeft: Math.max(0, (file.failuresLeft ?? 0) - 1),
            });
          }
          const download = reconDownload(file, route.fileName, token, tenant.now(), failing);
          return download ?? new Response('Not found', { status: 404 });
        }
        case 'selfie':
          return this.store.user(route.userAuthorizationId)
            ? selfieResponse()
            : new Response('Not found', { status: 404 });
        case 'admin':
          return await handleAdmin(tenant, route.path, request);
        default:
          return unknownPath();
      }
    } catch (error) {
      return internalError(error);
    }
  }

  /** Hourly: forgets sessions and recon files nobody can use any more. */
  override async alarm(): Promise<void> {
    // Expiries are on the merchant's clock, so pruning must be too.
    const offset = this.merchant((this.config ??= parseConfig(this.env)))?.clockOffsetSeconds ?? 0;
    if (this.store.prune(Math.floor(Date.now() / 1000) + offset)) await this.store.schedulePrune();
  }

  private async api(
    tenant: Tenant,
    route: ApiRoute,
    request: Request,
    url: URL,
  ): Promise<Response> {
    const { operation } = route;
    this.store.count(operation);
    const body = new Uint8Array(await request.arrayBuffer());
    const authorized = await this.authenticate(tenant, request, url, body);
    if (!authorized.ok) {
      this.store.count('unauthorized');
      return envelope('UNAUTHORIZED', authorized.error);
    }
    const faults = this.store.faults();
    const plan = planFaults(faults, operation);
    if (faults.length > 0) this.store.putFaults(plan.remaining);
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    switch (plan.failure) {
      case 'rate_limit':
        return envelope('RATE_LIMIT', 'Too many requests (sandbox fault).');
      case 'maintenance':
        return envelope('MAINTENANCE_MODE', 'Down for scheduled maintenance (sandbox fault).');
      case 'hang':
        await sleep(plan.hangMs);
        return envelope('INTERNAL_SERVER_ERROR', 'No answer in time (sandbox fault).');
      case 'internal_error':
        // The answer is lost, not the work: what the call would have done is done.
        if (OUTCOME_UNKNOWN.has(operation)) await this.operate(tenant, route, request, url, body);
        return envelope('INTERNAL_SERVER_ERROR', 'Outcome unknown (sandbox fault).');
      default:
        return this.operate(tenant, route, request, url, body);
    }
  }

  private async operate(
    tenant: Tenant,
    route: ApiRoute,
    request: Request,
    url: URL,
    body: Uint8Array,
  ): Promise<Response> {
    try {
      requireClientScope(tenant.merchant, route.operation);
      switch (route.operation) {
        case 'createQr':
          return await createQr(tenant, parseJsonBody(request, body));
        case 'fetchCompletedKyc':
          // Code ids are URL-safe, so the raw segment is the id; anything else matches no session.
          return await fetchCompletedKyc(tenant, route.segment ?? '', parseJsonBody(request, body));
        case 'kycPassportInfo':
          return kycPassportInfo(tenant, request);
        case 'userKycInfo':
          return userKycInfo(tenant, url);
        case 'userAuthorization':
          return userAuthorization(tenant, url);
        case 'unlinkUser':
          return unlinkUser(tenant, route.segment ?? '');
      }
    } catch (error) {
      if (error instanceof ApiError) return errorEnvelope(error);
      throw error;
    }
  }

  /** PayPay's OPA-Auth check, then X-ASSUME-MERCHANT, then nonce replay. */
  private async authenticate(
    tenant: Tenant,
    request: Request,
    url: URL,
    body: Uint8Array,
  ): Promise<Result<void>> {
    const { merchant } = tenant;
    const auth = parseOpaAuth(request.headers.get('Authorization'));
    if (!auth || auth.apiKey !== merchant.apiKey) return { ok: false, error: 'unknown API key' };
    const now = tenant.now();
    const verdict = await verifyOpaAuth({
      auth,
      apiSecret: merchant.apiSecret,
      method: request.method,
      path: url.pathname,
      contentType: request.headers.get('Content-Type'),
      body,
      now,
    });
    if (!verdict.ok) return verdict;
    const assumed = request.headers.get('X-ASSUME-MERCHANT');
    if (merchant.merchantId !== undefined && assumed !== null && assumed !== merchant.merchantId) {
      return { ok: false, error: "X-ASSUME-MERCHANT is not this client's merchant" };
    }
    // Checked last and synchronously: a replay cannot slip in between check and record.
    if (!this.store.rememberNonce(auth.nonce, now)) {
      return { ok: false, error: 'nonce already used' };
    }
    return verdict;
  }

  private async register(body: unknown): Promise<Response> {
    const parsed = parseMerchant(body);
    if (!parsed.ok) return adminError(400, 'INVALID_MERCHANT', parsed.error);
    if (!this.ctx.id.equals(this.env.MERCHANTS.idFromName(parsed.value.apiKey))) {
      return adminError(400, 'INVALID_MERCHANT', 'apiKey does not belong to this object');
    }
    // Omitting webhookUrls keeps the merchant's current ones (a QR-lifetime change
    // must not silently stop webhooks); `webhookUrls: {}` clears them.
    const current = this.merchant((this.config ??= parseConfig(this.env)));
    const keep = isRecord(body) && body.webhookUrls === undefined && current;
    this.store.putMerchant(
      keep ? { ...parsed.value, webhookUrls: current.webhookUrls } : parsed.value,
    );
    return json({ tenant: this.ctx.id.toString() });
  }

  /** The registration, or the default merchant from the vars if this is its object. */
  private merchant(config: SandboxConfig): Merchant | undefined {
    const registered = this.store.merchant();
    if (registered) return registered;
    const defaultId = this.env.MERCHANTS.idFromName(config.defaultMerchant.apiKey);
    return this.ctx.id.equals(defaultId) ? config.defaultMerchant : undefined;
  }

  private tenant(merchant: Merchant, config: SandboxConfig, url: URL): Tenant {
    return {
      store: this.store,
      merchant,
      id: this.ctx.id.toString(),
      origin: config.publicUrl ?? url.origin,
      now: () => Math.floor(Date.now() / 1000) + (merchant.clockOffsetSeconds ?? 0),
      send: async (notification) => {
        const target = merchant.webhookUrls[notification.target];
        if (!target) return null;
        const style = {
          contentType: webhookContentTypeOf(merchant),
          retries: retryPolicyOf(merchant),
        };
        return deliver(target, notification, style, (attempt) => this.store.logDelivery(attempt));
      },
      background: (work) => this.ctx.waitUntil(work),
    };
  }
}

/** A POST body as PayPay accepts it: JSON, and a JSON object. */
function parseJsonBody(request: Request, body: Uint8Array): Record<string, unknown> {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError('INVALID_REQUEST_PARAMS', 'Content-Type must be application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw new ApiError('INVALID_REQUEST_PARAMS', 'The body is not valid JSON.');
  }
  if (!isRecord(value)) {
    throw new ApiError('INVALID_REQUEST_PARAMS', 'The body must be a JSON object.');
  }
  return value;
}

function unknownMerchant(route: Route): Response {
  switch (route.kind) {
    case 'api':
      return envelope('UNAUTHORIZED', 'unknown API key');
    case 'phone':
      return notFoundPage();
    case 'admin':
      return adminError(
        404,
        'UNKNOWN_MERCHANT',
        'No merchant with this API key; PUT /_sandbox/merchant first.',
      );
    default:
      return new Response('Not found', { status: 404 });
  }
}
