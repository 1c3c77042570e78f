import {
  isServiceUrl,
  parseList,
  type Complain,
  type RawSettings,
  type SettingName,
  type SettingProblem,
} from './values';
import { decodeBase64 } from '../paypay/base64';
import { blocksWeakness, secretWeakness } from './strength';
import { parseCidr, type Cidr } from '../webhooks/cidr';

// The settings of the webhook receivers, recon downloads and forwarding, read
// for parseConfig (config.ts).

/** What the webhook receivers check before anything else. */
export interface WebhookConfig {
  /** Source blocks allowed on the webhook routes; null = any source (local development). */
  allowedCidrs: Cidr[] | null;
  /** The secret path segment of the webhook routes, when set. */
  pathToken: string | null;
}

/** Where feed events are also pushed, and the Standard Webhooks key. */
export interface MerchantWebhook {
  url: string;
  secret: Uint8Array;
}

export function parseWebhookSettings(
  env: RawSettings,
  bad: Complain,
  weak: (setting: SettingName, reason: string, problem: SettingProblem['problem']) => void,
): WebhookConfig {
  const entries = parseList(env.WEBHOOK_ALLOWED_CIDRS);
  let allowedCidrs: Cidr[] | null = null;
  if (entries.length === 0) {
    weak(
      'WEBHOOK_ALLOWED_CIDRS',
      'WEBHOOK_ALLOWED_CIDRS is empty: webhook routes accept any source',
      'missing',
    );
  } else {
    const blocks = entries.map(parseCidr);
    if (blocks.some((block) => block === null))
      bad('WEBHOOK_ALLOWED_CIDRS', 'WEBHOOK_ALLOWED_CIDRS has an entry that is not an IP or CIDR');
    else allowedCidrs = blocks as Cidr[];
    const broad = allowedCidrs && blocksWeakness('WEBHOOK_ALLOWED_CIDRS', allowedCidrs);
    if (broad) weak('WEBHOOK_ALLOWED_CIDRS', broad, 'invalid');
  }
  let pathToken = env.WEBHOOK_PATH_TOKEN?.trim() || null;
  // A path segment: URL-safe, and long enough not to be guessed.
  if (pathToken !== null && !/^[A-Za-z0-9_-]{16,128}$/.test(pathToken)) {
    bad('WEBHOOK_PATH_TOKEN', 'WEBHOOK_PATH_TOKEN must be 16-128 characters of A-Z a-z 0-9 _ -');
    pathToken = null;
  } else if (pathToken === null) {
    weak(
      'WEBHOOK_PATH_TOKEN',
      'WEBHOOK_PATH_TOKEN is not set: the webhook URLs can be guessed',
      'missing',
    );
  } else {
    const weakness = secretWeakness('WEBHOOK_PATH_TOKEN', pathToken);
    if (weakness) weak('WEBHOOK_PATH_TOKEN', weakness, 'invalid');
  }
  return { allowedCidrs, pathToken };
}

export function parseReconHosts(raw: string | undefined, bad: Complain): Set<string> {
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

export function parseMerchantWebhook(
  env: RawSettings,
  missing: (setting: SettingName) => void,
  bad: Complain,
): MerchantWebhook | null {
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
