/**
 * Every setting the Worker reads, vars and secrets alike. A name is one of
 * these or it does not compile: a misspelt setting cannot silently check nothing.
 */
export const SETTING_NAMES = [
  'ENVIRONMENT',
  'PAYPAY_API_BASE_URL',
  'PAYPAY_API_KEY',
  'PAYPAY_API_SECRET',
  'PAYPAY_CLIENT_ID',
  'PAYPAY_MERCHANT_ID',
  'PAYPAY_ENDPOINTS',
  'PAYPAY_FIELDS',
  'PAYPAY_SCOPES',
  'USER_KYC_INFO',
  'ALLOWED_ORIGINS',
  'CALLBACK_URL',
  'MERCHANT_API_TOKEN',
  'SESSION_RATE_LIMIT_PER_MINUTE',
  'SESSION_GLOBAL_LIMIT_PER_MINUTE',
  'PUBLIC_SESSIONS',
  'RESULT_TTL_SECONDS',
  'KYC_RETENTION_SECONDS',
  'WEBHOOK_ALLOWED_CIDRS',
  'WEBHOOK_PATH_TOKEN',
  'RECON_ALLOWED_HOSTS',
  'MERCHANT_WEBHOOK_URL',
  'MERCHANT_WEBHOOK_SECRET',
  'UNCONFIRMED_REREADS_PER_MINUTE',
  'PAYPAY_REREADS_PER_MINUTE',
  'AUTHORIZATION_EXPIRING_DAYS',
  'FEED_RETENTION_DAYS',
  'FEED_SHARDS',
  'ALLOWED_CLAIMS',
  'ACCEPTED_KYC_METHODS',
  'RECEIPT_SIGNING_KEY',
  'RECEIPT_PREVIOUS_KEYS',
  'RECEIPT_RETENTION_DAYS',
  'RECON_EXPECTED_BY',
  'ACCESS_TEAM_DOMAIN',
  'ACCESS_AUD',
  'HOSTED_PAGE_NAME',
  'HOSTED_PAGE_LOGO_URL',
  'HOSTED_PAGE_COLOR',
] as const;

/**
 * The most feed shards a deployment may have (FEED_SHARDS): 64 objects of
 * 10 GB each. Here, beside the settings, so config.ts reads it without
 * importing the feed (worker/feed/stub.ts re-exports it).
 */
export const MAX_FEED_SHARDS = 64;

/** One setting's name. */
export type SettingName = (typeof SETTING_NAMES)[number];

/** The settings a Worker reads, including optional secrets wrangler types cannot see. */
export type RawSettings = Partial<Record<SettingName, string>>;

/**
 * The settings as text. A `[vars]` value written as a TOML number or boolean
 * (`SESSION_RATE_LIMIT_PER_MINUTE = 10`) reaches the Worker as a number or a
 * boolean; read as its text, it means what the merchant wrote.
 */
export function textSettings(env: object): RawSettings {
  const source = env as Record<string, unknown>;
  const settings: RawSettings = {};
  for (const name of SETTING_NAMES) {
    const value = source[name];
    if (typeof value === 'string') settings[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean')
      settings[name] = String(value);
  }
  return settings;
}

/** Whether a URL is plain http (accepted for loopback hosts in development only). */
export function isPlainHttp(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'http:';
}

/** A setting that is missing or unusable: the name only, never the value. */
export interface SettingProblem {
  setting: SettingName;
  problem: 'missing' | 'invalid';
  reason: string;
}

/** How a parse step reports a bad setting: its name and why, never its value. */
export type Complain = (setting: SettingName, reason: string) => void;

export function integer(
  env: RawSettings,
  name: SettingName,
  fallback: number,
  min: number,
  max: number,
  bad: Complain,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    bad(name, `${name} must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/**
 * An `on`/`off` setting: `fallback` when unset. A value it does not know
 * (`no`, `0`, `disabled`) is reported and read as `off`: whoever wrote it meant
 * something, most likely "off", and a switch that guards something fails closed.
 */
export function onOff(
  env: RawSettings,
  name: SettingName,
  fallback: boolean,
  bad: Complain,
): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  // TOML booleans arrive as true/false: they mean on/off.
  if (raw === 'on' || raw === 'true') return true;
  if (raw === 'off' || raw === 'false') return false;
  bad(name, `${name} must be on or off`);
  return false;
}

/**
 * The entries of a list setting: comma- or space-separated, blanks dropped. The
 * one reader of every list, so `a, b` and `a,b` never mean different things.
 */
export function parseList(raw: string | undefined): string[] {
  return (raw ?? '').split(/[\s,]+/).filter(Boolean);
}

export function oneOf<T extends string>(
  env: RawSettings,
  name: SettingName,
  values: readonly T[],
  fallback: T,
  bad: Complain,
): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  const value = values.find((v) => v === raw);
  if (value === undefined) bad(name, `${name} must be one of ${values.join(', ')}`);
  return value ?? fallback;
}

/** http is accepted only for loopback hosts, which only exist in local development. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

export function isServiceUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.username || url.password) return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

export function asOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  // An origin, not a page: a path, query or credentials mean a mistake.
  if (url.pathname !== '/' || url.search || url.hash || url.username) return null;
  return url.origin;
}
