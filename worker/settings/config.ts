import { DEFAULT_ENDPOINTS, parseEndpoints, type EndpointTable } from '../paypay/endpoints';
import { parseFields, type FieldTable } from '../paypay/fields';
import { lackingScopes, requiredScopes, type UserKycInfoSetting } from '../paypay/scopes';
import { decodeBase64 } from '../paypay/base64';
import { clientIdOf, isClientId, type ClientId } from '../paypay/client-id';
import {
  asOrigin,
  integer,
  isServiceUrl,
  MAX_FEED_SHARDS,
  oneOf,
  onOff,
  parseList,
  type RawSettings,
  type SettingName,
  type SettingProblem,
  isLoopbackHost,
  isPlainHttp,
  textSettings,
} from './values';
import { secretWeakness } from './strength';
import type { ClaimConfig, ReceiptConfig } from './receipts';
import { parseClaimSettings, parseReceiptSettings } from './receipts';
import { parseOperationsSettings, type OperationsConfig } from './operations';
import { parseHostedPageSettings, type HostedPageConfig } from './hosted-page';
import { backgroundHost, environmentFor, type Environment } from './environment';
export { SETTING_NAMES, type RawSettings, type SettingName, type SettingProblem } from './values';
import {
  parseMerchantWebhook,
  parseReconHosts,
  parseWebhookSettings,
  type MerchantWebhook,
  type WebhookConfig,
} from './webhooks';

/** Settings as the routes use them, parsed once from `env`. */
export interface Config {
  /**
   * `production` unless the deployment says `development` AND the work is on a
   * loopback host (environment.ts): the settings that weaken security are
   * refused in production, and only warned about in development.
   */
  environment: Environment;
  paypay: {
    baseUrl: string | null;
    apiKey: string | null;
    apiSecret: string | null;
    /** What a responseToken's `aud` must be (besides the API key): `PAYPAY_CLIENT_ID`, or derived from the key. */
    clientId: ClientId;
    merchantId: string | undefined;
    endpoints: EndpointTable | null;
    /** The guessed request and answer fields (`PAYPAY_FIELDS`). */
    fields: FieldTable | null;
    /** The scopes each QR asks for: `PAYPAY_SCOPES`, or else `requiredScopes`. */
    scopes: string[];
    /** The scopes the calls this configuration makes need. */
    requiredScopes: string[];
    /** Whether `GET /v1/users/:uaid/kyc-info` ("Get user KYC info") is on. */
    userKycInfo: UserKycInfoSetting;
  };
  allowedOrigins: Set<string>;
  callbackUrl: string | null;
  merchantApiToken: string | null;
  sessionRateLimitPerMinute: number;
  /** Public session creations per minute from all clients together. */
  sessionGlobalLimitPerMinute: number;
  publicSessions: boolean;
  resultTtlSeconds: number;
  kycRetentionSeconds: number;
  webhooks: WebhookConfig;
  /** `host` or `host:port` entries a recon file's `path` may name, lower case. */
  reconAllowedHosts: Set<string>;
  /** Re-reads of PayPay per minute for users it has not yet answered for (forged hints cost this much). */
  unconfirmedRereadsPerMinute: number;
  /** Re-reads of PayPay per minute, all of them together: the REREADS consumer's pace. */
  rereadsPerMinute: number;
  /** Days before PayPay's expireAt that `authorization.expiring` is sent. */
  authorizationExpiringDays: number;
  /** Days the feed keeps its events (then the cron trims them). */
  feedRetentionDays: number;
  /** Feed objects the users are split among (1-64), fixed per deployment (worker/feed/stub.ts). */
  feedShards: number;
  /** Where feed events are also pushed, and the Standard Webhooks key; null = no forwarding. */
  merchantWebhook: MerchantWebhook | null;
  claims: ClaimConfig;
  receipts: ReceiptConfig;
  /** The console's gate (Cloudflare Access) and when recon files are due (RECON_EXPECTED_BY). */
  operations: OperationsConfig;
  hostedPage: HostedPageConfig;
  problems: SettingProblem[];
  /** Settings that work but should not reach production as they are. */
  warnings: SettingProblem[];
}

/** An env's settings as text, and its two parsings: for loopback work, and for the rest. */
const cache = new WeakMap<object, { settings: RawSettings; byLoopback: Map<boolean, Config> }>();

/**
 * The parsed settings of this isolate's `env` for work on `host`: a request's
 * hostname, or (omitted) work without a request, which stands on CALLBACK_URL's
 * host. Parsed on first use only, once for loopback hosts and once for others.
 */
export function configOf(env: object, host?: string): Config {
  let cached = cache.get(env);
  if (!cached) {
    cached = { settings: textSettings(env), byLoopback: new Map() };
    cache.set(env, cached);
  }
  const where = host ?? backgroundHost(cached.settings);
  const loopback = where !== null && isLoopbackHost(where);
  let config = cached.byLoopback.get(loopback);
  if (!config) {
    config = parseConfig(cached.settings, where);
    cached.byLoopback.set(loopback, config);
  }
  return config;
}

/**
 * Reads every setting, collecting problems instead of throwing, so `/healthz`
 * can list them all and each route refuses only for the settings it needs.
 * `host` is where the work is (environment.ts): none means production rules.
 */
export function parseConfig(env: RawSettings, host: string | null = null): Config {
  const problems: SettingProblem[] = [];
  const missing = (setting: SettingName) =>
    problems.push({ setting, problem: 'missing', reason: `${setting} is not set` });
  const bad = (setting: SettingName, reason: string) =>
    problems.push({ setting, problem: 'invalid', reason });
  const warnings: SettingProblem[] = [];
  const requested = oneOf(env, 'ENVIRONMENT', ['production', 'development'], 'production', bad);
  const { environment, warning } = environmentFor(requested, host);
  if (warning !== null) warnings.push(warning);
  const production = environment === 'production';
  /** A setting that works but weakens security: refused in production, a warning in development. */
  const weak = (
    setting: SettingName,
    reason: string,
    problem: SettingProblem['problem'] = 'invalid',
  ) =>
    production
      ? problems.push({
          setting,
          problem,
          reason: `${reason}: refused in production (ENVIRONMENT=development allows it on a loopback host)`,
        })
      : warnings.push({ setting, problem, reason: `${reason} (development only)` });
  const text = (name: SettingName): string | null => {
    const value = env[name]?.trim();
    if (!value) {
      missing(name);
      return null;
    }
    return value;
  };

  let baseUrl = text('PAYPAY_API_BASE_URL');
  if (baseUrl !== null && !isServiceUrl(baseUrl)) {
    bad('PAYPAY_API_BASE_URL', 'PAYPAY_API_BASE_URL must be an https URL (http only for loopback)');
    baseUrl = null;
  } else if (baseUrl !== null && isPlainHttp(baseUrl)) {
    weak('PAYPAY_API_BASE_URL', 'PAYPAY_API_BASE_URL is plain http');
  }
  const apiKey = text('PAYPAY_API_KEY');
  let apiSecret = text('PAYPAY_API_SECRET');
  if (apiSecret !== null && decodeBase64(apiSecret) === null) {
    // PayPay keys the responseToken with the secret's base64 decoding.
    bad('PAYPAY_API_SECRET', 'PAYPAY_API_SECRET must be the base64 secret PayPay issued');
    apiSecret = null;
  }
  let configuredClientId = env.PAYPAY_CLIENT_ID?.trim() || null;
  if (configuredClientId !== null && !isClientId(configuredClientId)) {
    bad('PAYPAY_CLIENT_ID', 'PAYPAY_CLIENT_ID must be 1-128 printable characters without spaces');
    configuredClientId = null;
  }
  const clientId = clientIdOf(configuredClientId, apiKey);
  if (clientId.source === 'none' && clientId.why === 'no suffix') {
    // Not a refusal: the API key is still accepted in `aud`, and the key may be right.
    warnings.push({
      setting: 'PAYPAY_CLIENT_ID',
      problem: 'missing',
      reason:
        "PAYPAY_CLIENT_ID is not set and PAYPAY_API_KEY does not end in _ and 4 characters, so no client ID can be derived and responseTokens are accepted only for the API key, while PayPay's carry the client ID: set PAYPAY_CLIENT_ID to the client ID PayPay's developer panel shows",
    });
  }
  const endpoints = parseEndpoints(env.PAYPAY_ENDPOINTS);
  if (!endpoints.ok) bad('PAYPAY_ENDPOINTS', endpoints.error);

  const fields = parseFields(env.PAYPAY_FIELDS);
  if (!fields.ok) bad('PAYPAY_FIELDS', fields.error);

  const userKycInfo = oneOf(env, 'USER_KYC_INFO', ['off', 'on', 'with_foreign_status'], 'off', bad);
  const needed = requiredScopes(endpoints.ok ? endpoints.value : DEFAULT_ENDPOINTS, userKycInfo);
  const scopes = parseList(env.PAYPAY_SCOPES);
  if (scopes.some((scope) => !/^[a-z_]{1,64}$/.test(scope)))
    bad('PAYPAY_SCOPES', 'PAYPAY_SCOPES must be scope names');

  const allowedOrigins = new Set<string>();
  for (const entry of parseList(env.ALLOWED_ORIGINS)) {
    const origin = asOrigin(entry);
    if (origin === null)
      bad('ALLOWED_ORIGINS', `ALLOWED_ORIGINS has an entry that is not an origin`);
    else allowedOrigins.add(origin);
    if (origin !== null && isPlainHttp(origin))
      weak('ALLOWED_ORIGINS', 'ALLOWED_ORIGINS has an http origin');
  }
  if (allowedOrigins.size === 0 && !problems.some((p) => p.setting === 'ALLOWED_ORIGINS'))
    missing('ALLOWED_ORIGINS');

  let callbackUrl = text('CALLBACK_URL');
  if (callbackUrl !== null && !isServiceUrl(callbackUrl)) {
    bad('CALLBACK_URL', 'CALLBACK_URL must be an https URL (http only for loopback)');
    callbackUrl = null;
  } else if (callbackUrl !== null && isPlainHttp(callbackUrl)) {
    weak('CALLBACK_URL', 'CALLBACK_URL is plain http');
  }
  if (callbackUrl !== null && callbackUrl.length > 255) {
    bad('CALLBACK_URL', 'CALLBACK_URL must be at most 255 characters (PayPay redirectUrl limit)');
    callbackUrl = null;
  }
  let merchantApiToken = text('MERCHANT_API_TOKEN');
  if (merchantApiToken !== null && merchantApiToken.length < 24) {
    bad('MERCHANT_API_TOKEN', 'MERCHANT_API_TOKEN must be at least 24 characters');
    merchantApiToken = null;
  }
  const tokenWeakness = merchantApiToken && secretWeakness('MERCHANT_API_TOKEN', merchantApiToken);
  if (tokenWeakness) weak('MERCHANT_API_TOKEN', tokenWeakness);

  const lacking = lackingScopes(needed, scopes);
  if (lacking !== null)
    warnings.push({ setting: 'PAYPAY_SCOPES', problem: 'invalid', reason: lacking });
  const webhooks = parseWebhookSettings(env, bad, weak);
  const reconAllowedHosts = parseReconHosts(env.RECON_ALLOWED_HOSTS, bad);
  if (reconAllowedHosts.size === 0 && !problems.some((p) => p.setting === 'RECON_ALLOWED_HOSTS'))
    missing('RECON_ALLOWED_HOSTS');
  const merchantWebhook = parseMerchantWebhook(env, missing, bad);
  if (merchantWebhook !== null && isPlainHttp(merchantWebhook.url))
    weak('MERCHANT_WEBHOOK_URL', 'MERCHANT_WEBHOOK_URL is plain http');
  const kycRetentionSeconds = integer(env, 'KYC_RETENTION_SECONDS', 900, 60, 86_400, bad);
  // Personal data is kept only as long as it must be: more than an hour waiting
  // for an exchange is a setting for debugging, not for customers' data.
  if (kycRetentionSeconds > 3600)
    weak('KYC_RETENTION_SECONDS', 'KYC_RETENTION_SECONDS keeps KYC info more than an hour');
  if ([...reconAllowedHosts].some((host) => isLoopbackHost(host.replace(/:\d+$/, ''))))
    weak(
      'RECON_ALLOWED_HOSTS',
      'RECON_ALLOWED_HOSTS lets recon files come from loopback over http',
    );

  return {
    environment,
    paypay: {
      baseUrl,
      apiKey,
      apiSecret,
      clientId,
      merchantId: env.PAYPAY_MERCHANT_ID?.trim() || undefined,
      endpoints: endpoints.ok ? endpoints.value : null,
      fields: fields.ok ? fields.value : null,
      scopes: scopes.length > 0 ? scopes : needed,
      requiredScopes: needed,
      userKycInfo,
    },
    allowedOrigins,
    callbackUrl,
    merchantApiToken,
    sessionRateLimitPerMinute: integer(env, 'SESSION_RATE_LIMIT_PER_MINUTE', 10, 1, 100_000, bad),
    sessionGlobalLimitPerMinute: integer(
      env,
      'SESSION_GLOBAL_LIMIT_PER_MINUTE',
      300,
      1,
      1_000_000,
      bad,
    ),
    publicSessions: onOff(env, 'PUBLIC_SESSIONS', true, bad),
    resultTtlSeconds: integer(env, 'RESULT_TTL_SECONDS', 600, 30, 3600, bad),
    kycRetentionSeconds,
    webhooks,
    reconAllowedHosts,
    unconfirmedRereadsPerMinute: integer(env, 'UNCONFIRMED_REREADS_PER_MINUTE', 20, 1, 10_000, bad),
    rereadsPerMinute: integer(env, 'PAYPAY_REREADS_PER_MINUTE', 300, 1, 100_000, bad),
    authorizationExpiringDays: integer(env, 'AUTHORIZATION_EXPIRING_DAYS', 14, 0, 365, bad),
    // At least 8: a recon file may come 7 days after its day, and its misses check that day's webhooks.
    feedRetentionDays: integer(env, 'FEED_RETENTION_DAYS', 30, 8, 3650, bad),
    feedShards: integer(env, 'FEED_SHARDS', 1, 1, MAX_FEED_SHARDS, bad),
    merchantWebhook,
    claims: parseClaimSettings(env, bad),
    receipts: parseReceiptSettings(env, environment, bad, (w) => warnings.push(w)),
    operations: parseOperationsSettings(env, bad),
    hostedPage: parseHostedPageSettings(env, bad, weak),
    problems,
    warnings,
  };
}

/** The problems among `settings`, or none: what a route checks before it acts. */
export function problemsWith(config: Config, settings: readonly SettingName[]): SettingProblem[] {
  return config.problems.filter((p) => settings.includes(p.setting));
}
