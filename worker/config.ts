import { DEFAULT_ENDPOINTS, parseEndpoints, type EndpointTable } from './paypay/endpoints';
import { parseFields, type FieldTable } from './paypay/fields';
import { requiredScopes, type UserKycInfoSetting } from './paypay/scopes';
import { decodeBase64 } from './paypay/base64';
import {
  asOrigin,
  integer,
  isServiceUrl,
  oneOf,
  onOff,
  parseList,
  type Complain,
  type RawSettings,
  type SettingName,
} from './setting-values';

export { SETTING_NAMES, type RawSettings, type SettingName } from './setting-values';
import { parseCidr, type Cidr } from './webhooks/cidr';

/** A setting that is missing or unusable: the name only, never the value. */
export interface SettingProblem {
  setting: SettingName;
  problem: 'missing' | 'invalid';
  reason: string;
}

/** Settings as the routes use them, parsed once from `env`. */
export interface Config {
  paypay: {
    baseUrl: string | null;
    apiKey: string | null;
    apiSecret: string | null;
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
  webhooks: {
    /** Source blocks allowed on the webhook routes; null = any source (local development). */
    allowedCidrs: Cidr[] | null;
    /** The secret path segment of the webhook routes, when set. */
    pathToken: string | null;
  };
  /** `host` or `host:port` entries a recon file's `path` may name, lower case. */
  reconAllowedHosts: Set<string>;
  /** Where feed events are also pushed, and the Standard Webhooks key; null = no forwarding. */
  merchantWebhook: { url: string; secret: Uint8Array } | null;
  problems: SettingProblem[];
  /** Settings that work but should not reach production as they are. */
  warnings: SettingProblem[];
}

const cache = new WeakMap<object, Config>();

/** The parsed settings of this isolate's `env`; parsed on first use only. */
export function configOf(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as RawSettings);
    cache.set(env, config);
  }
  return config;
}

/**
 * Reads every setting, collecting problems instead of throwing, so `/healthz`
 * can list them all and each route refuses only for the settings it needs.
 */
export function parseConfig(env: RawSettings): Config {
  const problems: SettingProblem[] = [];
  const missing = (setting: SettingName) =>
    problems.push({ setting, problem: 'missing', reason: `${setting} is not set` });
  const bad = (setting: SettingName, reason: string) =>
    problems.push({ setting, problem: 'invalid', reason });
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
  }
  const apiKey = text('PAYPAY_API_KEY');
  let apiSecret = text('PAYPAY_API_SECRET');
  if (apiSecret !== null && decodeBase64(apiSecret) === null) {
    // PayPay keys the responseToken with the secret's base64 decoding.
    bad('PAYPAY_API_SECRET', 'PAYPAY_API_SECRET must be the base64 secret PayPay issued');
    apiSecret = null;
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
  }
  if (allowedOrigins.size === 0 && !problems.some((p) => p.setting === 'ALLOWED_ORIGINS'))
    missing('ALLOWED_ORIGINS');

  let callbackUrl = text('CALLBACK_URL');
  if (callbackUrl !== null && !isServiceUrl(callbackUrl)) {
    bad('CALLBACK_URL', 'CALLBACK_URL must be an https URL (http only for loopback)');
    callbackUrl = null;
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

  const warnings: SettingProblem[] = [];
  const lacking = needed.filter((scope) => scopes.length > 0 && !scopes.includes(scope));
  if (lacking.length > 0) {
    // A warning, not a refusal: if PayPay names its scopes otherwise, this setting is the fix.
    warnings.push({
      setting: 'PAYPAY_SCOPES',
      problem: 'invalid',
      reason: `PAYPAY_SCOPES lacks ${lacking.join(', ')}, which the configured calls need; leave it empty to ask for exactly those`,
    });
  }
  const webhooks = parseWebhookSettings(env, bad, warnings);
  const reconAllowedHosts = parseReconHosts(env.RECON_ALLOWED_HOSTS, bad);
  if (reconAllowedHosts.size === 0 && !problems.some((p) => p.setting === 'RECON_ALLOWED_HOSTS'))
    missing('RECON_ALLOWED_HOSTS');
  const merchantWebhook = parseMerchantWebhook(env, missing, bad);

  return {
    paypay: {
      baseUrl,
      apiKey,
      apiSecret,
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
    kycRetentionSeconds: integer(env, 'KYC_RETENTION_SECONDS', 900, 60, 86_400, bad),
    webhooks,
    reconAllowedHosts,
    merchantWebhook,
    problems,
    warnings,
  };
}

/** The problems among `settings`, or none: what a route checks before it acts. */
export function problemsWith(config: Config, settings: readonly SettingName[]): SettingProblem[] {
  return config.problems.filter((p) => settings.includes(p.setting));
}

function parseWebhookSettings(
  env: RawSettings,
  bad: Complain,
  warnings: SettingProblem[],
): Config['webhooks'] {
  const entries = parseList(env.WEBHOOK_ALLOWED_CIDRS);
  let allowedCidrs: Cidr[] | null = null;
  if (entries.length === 0) {
    warnings.push({
      setting: 'WEBHOOK_ALLOWED_CIDRS',
      problem: 'missing',
      reason: 'WEBHOOK_ALLOWED_CIDRS is empty: webhook routes accept any source (development only)',
    });
  } else {
    const blocks = entries.map(parseCidr);
    if (blocks.some((block) => block === null))
      bad('WEBHOOK_ALLOWED_CIDRS', 'WEBHOOK_ALLOWED_CIDRS has an entry that is not an IP or CIDR');
    else allowedCidrs = blocks as Cidr[];
  }
  let pathToken = env.WEBHOOK_PATH_TOKEN?.trim() || null;
  // A path segment: URL-safe, and long enough not to be guessed.
  if (pathToken !== null && !/^[A-Za-z0-9_-]{16,128}$/.test(pathToken)) {
    bad('WEBHOOK_PATH_TOKEN', 'WEBHOOK_PATH_TOKEN must be 16-128 characters of A-Z a-z 0-9 _ -');
    pathToken = null;
  }
  return { allowedCidrs, pathToken };
}

function parseReconHosts(raw: string | undefined, bad: Complain): Set<string> {
  const hosts = new Set<string>();
  for (const entry of parseList(raw).map((host) => host.toLowerCase())) {
    // Exactly what URL.host gives for that entry: a host, optionally ":port", nothing else.
    const host = URL.canParse(`https://${entry}/`) ? new URL(`https://${entry}/`) : null;
    if (host === null || host.host !== entry || host.username || host.password) {
      bad(
        'RECON_ALLOWED_HOSTS',
        'RECON_ALLOWED_HOSTS has an entry that is not a host or host:port',
      );
      return new Set();
    }
    hosts.add(entry);
  }
  return hosts;
}

function parseMerchantWebhook(
  env: RawSettings,
  missing: (setting: SettingName) => void,
  bad: Complain,
): Config['merchantWebhook'] {
  const url = env.MERCHANT_WEBHOOK_URL?.trim() || null;
  const secret = env.MERCHANT_WEBHOOK_SECRET?.trim() || null;
  if (url === null) return null;
  let usable = true;
  if (!isServiceUrl(url)) {
    bad(
      'MERCHANT_WEBHOOK_URL',
      'MERCHANT_WEBHOOK_URL must be an https URL (http only for loopback)',
    );
    usable = false;
  }
  if (secret === null) {
    missing('MERCHANT_WEBHOOK_SECRET');
    return null;
  }
  // Standard Webhooks: "whsec_" + base64 of 24 to 64 random bytes.
  const key = secret.startsWith('whsec_') ? decodeBase64(secret.slice(6)) : null;
  if (key === null || key.length < 24 || key.length > 64) {
    bad(
      'MERCHANT_WEBHOOK_SECRET',
      'MERCHANT_WEBHOOK_SECRET must be whsec_ + base64 of 24-64 bytes',
    );
    return null;
  }
  return usable ? { url, secret: key } : null;
}
