import { WEBHOOK_KINDS } from '../shared/paypay-codes';
import { fromBase64 } from './encoding';
import type { Merchant, WebhookTarget, WebhookUrls } from './types';
import { fail, isIntegerIn, isRecord, type Result } from './validate';
import { parseMerchantOptions } from './variants';

/** The sandbox's settings, parsed from wrangler vars. */
export interface SandboxConfig {
  /** The merchant usable without registering (SANDBOX_API_KEY / SANDBOX_API_SECRET). */
  defaultMerchant: Merchant;
  /** Origin put in links (QR, recon files) instead of the request's, when set. */
  publicUrl?: string;
}

/** A setting that cannot be used; the message names it. */
export class ConfigError extends Error {}

/** True for a notification target name: a PayPay webhook kind or the recon-file URL. */
export function isWebhookTarget(name: string): name is WebhookTarget {
  return name === 'recon' || Object.hasOwn(WEBHOOK_KINDS, name);
}

/** Parses the vars, throwing a ConfigError that names the first bad setting. */
export function parseConfig(env: SandboxEnv): SandboxConfig {
  let urls: unknown;
  try {
    urls = JSON.parse(env.SANDBOX_WEBHOOK_URLS || '{}');
  } catch {
    throw new ConfigError('SANDBOX_WEBHOOK_URLS is not JSON');
  }
  let options: unknown;
  try {
    options = JSON.parse(env.SANDBOX_MERCHANT_OPTIONS || '{}');
  } catch {
    throw new ConfigError('SANDBOX_MERCHANT_OPTIONS is not JSON');
  }
  if (!isRecord(options)) throw new ConfigError('SANDBOX_MERCHANT_OPTIONS must be a JSON object');
  // The key, secret and URLs have settings of their own: one place each.
  const owned = ['apiKey', 'apiSecret', 'webhookUrls'].find((key) => Object.hasOwn(options, key));
  if (owned) throw new ConfigError(`SANDBOX_MERCHANT_OPTIONS cannot set ${owned}`);
  const merchant = parseMerchant({
    ...options,
    apiKey: env.SANDBOX_API_KEY,
    apiSecret: env.SANDBOX_API_SECRET,
    webhookUrls: urls,
  });
  if (!merchant.ok) throw new ConfigError(`SANDBOX_* settings: ${merchant.error}`);
  const publicUrl = env.SANDBOX_PUBLIC_URL || undefined;
  if (publicUrl !== undefined && !isHttpUrl(publicUrl)) {
    throw new ConfigError('SANDBOX_PUBLIC_URL must be an http(s) URL');
  }
  return { defaultMerchant: merchant.value, publicUrl: publicUrl?.replace(/\/+$/, '') };
}

/** Validates a merchant registration (`PUT /_sandbox/merchant` body or the vars). */
export function parseMerchant(input: unknown): Result<Merchant> {
  if (!isRecord(input)) return fail('body must be a JSON object');
  const { apiKey, apiSecret, merchantId, qrTtlSeconds, webhookUrls } = input;
  // The key travels inside a colon-separated Authorization header.
  if (typeof apiKey !== 'string' || !/^[\x21-\x39\x3b-\x7e]{1,128}$/.test(apiKey)) {
    return fail('apiKey must be 1-128 printable characters without ":"');
  }
  // PayPay issues secrets as base64: the responseToken JWT is keyed by their bytes.
  if (typeof apiSecret !== 'string' || apiSecret === '' || fromBase64(apiSecret) === null) {
    return fail('apiSecret must be a base64 string');
  }
  if (
    merchantId !== undefined &&
    (typeof merchantId !== 'string' || !/^[\w-]{1,64}$/.test(merchantId))
  ) {
    return fail('merchantId must be 1-64 letters, digits, "_" or "-"');
  }
  if (qrTtlSeconds !== undefined && !isIntegerIn(qrTtlSeconds, 1, 86_400)) {
    return fail('qrTtlSeconds must be an integer from 1 to 86400');
  }
  const urls = parseWebhookUrls(webhookUrls ?? {});
  if (!urls.ok) return urls;
  const options = parseMerchantOptions(input);
  if (!options.ok) return options;
  return {
    ok: true,
    value: {
      ...options.value,
      apiKey,
      apiSecret,
      ...(merchantId !== undefined ? { merchantId } : {}),
      ...(qrTtlSeconds !== undefined ? { qrTtlSeconds } : {}),
      webhookUrls: urls.value,
    },
  };
}

function parseWebhookUrls(input: unknown): Result<WebhookUrls> {
  if (!isRecord(input)) return fail('webhookUrls must be an object');
  const urls: WebhookUrls = {};
  for (const [key, value] of Object.entries(input)) {
    if (!isWebhookTarget(key)) {
      return fail(`webhookUrls.${key} is not kyc, risk, account-status or recon`);
    }
    if (typeof value !== 'string' || !isHttpUrl(value)) {
      return fail(`webhookUrls.${key} must be an http(s) URL`);
    }
    urls[key] = value;
  }
  return { ok: true, value: urls };
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
