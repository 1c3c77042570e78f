import type { Config, SettingProblem } from '../settings/config';
import { isLoopbackHost } from '../settings/values';
import { fail, listOf, pass, type CheckRow } from './row';

const KINDS = ['kyc', 'risk', 'account-status', 'recon'] as const;
/** Shown instead of the path token: the URLs are for a form, the token is a secret. */
const TOKEN_PLACEHOLDER = '<WEBHOOK_PATH_TOKEN>';
/** The settings the receivers cannot run without in production. */
type ReceiverSetting = 'WEBHOOK_ALLOWED_CIDRS' | 'WEBHOOK_PATH_TOKEN';
/** What to do about each receiver setting production refused. */
const FIXES: Record<SettingProblem['problem'], Record<ReceiverSetting, string>> = {
  missing: {
    WEBHOOK_ALLOWED_CIDRS: 'set WEBHOOK_ALLOWED_CIDRS to the addresses PayPay gives you',
    WEBHOOK_PATH_TOKEN: 'set WEBHOOK_PATH_TOKEN (openssl rand -hex 24)',
  },
  invalid: {
    WEBHOOK_ALLOWED_CIDRS: 'correct WEBHOOK_ALLOWED_CIDRS (see settings)',
    WEBHOOK_PATH_TOKEN: 'correct WEBHOOK_PATH_TOKEN (see settings)',
  },
};

/**
 * The four URLs to give PayPay, and whether the receivers are protected.
 * PayPay does not sign webhooks, so without source checks anyone who learns a
 * URL can post notifications (they are only hints, but each costs a re-read).
 */
export function webhooksRow(config: Config, requestUrl: URL): CheckRow {
  const { allowedCidrs, pathToken } = config.webhooks;
  const token = pathToken !== null ? `${TOKEN_PLACEHOLDER}/` : '';
  const urls = KINDS.map((kind) => `${requestUrl.origin}/v1/webhooks/paypay/${token}${kind}`);
  const register = `Register with PayPay: ${listOf(urls)}.`;
  const broken = config.problems.filter(
    (p): p is SettingProblem & { setting: ReceiverSetting } =>
      p.setting === 'WEBHOOK_ALLOWED_CIDRS' || p.setting === 'WEBHOOK_PATH_TOKEN',
  );
  if (broken.length > 0) {
    // Production refuses to run the receivers without both (a public host, whatever ENVIRONMENT says).
    const names = broken.map((p) => p.setting);
    const unset = broken.every((p) => p.problem === 'missing');
    const fixes = broken.map((p) => FIXES[p.problem][p.setting]);
    return fail(
      'webhooks',
      `${register} ${listOf(names)} ${names.length > 1 ? 'are' : 'is'} ${unset ? 'not set' : 'missing or malformed'}, so the receivers answer 503.`,
      `${fixes.join(', and ')}.`,
    );
  }
  const tokenPart = pathToken !== null ? 'a path token is set' : 'no path token is set';
  if (allowedCidrs !== null) {
    const blocks = `${allowedCidrs.length} block${allowedCidrs.length > 1 ? 's' : ''}`;
    return pass('webhooks', `${register} Source checks are on (${blocks}); ${tokenPart}.`);
  }
  if (isLoopbackHost(requestUrl.hostname)) {
    return pass(
      'webhooks',
      `${register} Source checks are off (WEBHOOK_ALLOWED_CIDRS is empty) and ${tokenPart}: fine on this loopback deployment, never in production.`,
    );
  }
  return fail(
    'webhooks',
    `${register} Source checks are off (WEBHOOK_ALLOWED_CIDRS is empty) on a public deployment and ${tokenPart}, so anyone who learns these URLs can post notifications.`,
    'set WEBHOOK_ALLOWED_CIDRS to the addresses PayPay gives you, and WEBHOOK_PATH_TOKEN.',
  );
}
