import type { Config } from '../settings/config';
import { isLoopbackHost } from '../settings/values';
import { fail, pass, type CheckRow } from './row';

const CALLBACK_PATH = '/v1/callback';

/**
 * Where PayPay sends the phone back. Read from the raw setting too: the parsed
 * one is null exactly when it is wrong, and the row must say how. Reachability
 * from outside is the CLI's part (a Worker's fetch of its own route does not
 * come back to it on Cloudflare).
 */
export function callbackRow(raw: string | undefined, config: Config, requestUrl: URL): CheckRow {
  const value = raw?.trim() ?? '';
  const here = requestUrl.host;
  const fixUrl = (host: string) => `https://${host}${CALLBACK_PATH}`;
  if (value === '' || !URL.canParse(value)) {
    return fail(
      'callback',
      `CALLBACK_URL is ${value === '' ? 'not set' : 'not a URL'}.`,
      `set CALLBACK_URL to ${fixUrl(here)} and register ${requestUrl.hostname} with PayPay as an allowed callback domain.`,
    );
  }
  const url = new URL(value);
  const loopback = isLoopbackHost(url.hostname);
  const problems: string[] = [];
  if (url.protocol === 'http:' && !loopback) problems.push('is http on a public host');
  else if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.push('is not https');
  if (url.pathname !== CALLBACK_PATH)
    problems.push(`has the path ${url.pathname}, not ${CALLBACK_PATH}`);
  const otherHost = url.host !== here;
  if (otherHost) problems.push(`names the host ${url.host}, not this Worker's (${here})`);
  // Anything else parseConfig refused (credentials, length): its reason names no value.
  const refused = config.callbackUrl === null && problems.length === 0;
  if (refused) {
    const reason = config.problems.find((p) => p.setting === 'CALLBACK_URL')?.reason;
    problems.push(`is refused: ${reason ?? 'CALLBACK_URL is unusable'}`);
  }
  if (problems.length > 0) {
    const host = otherHost ? here : url.host;
    const elsewhere = otherHost ? `, or run the doctor against ${url.host}` : '';
    return fail(
      'callback',
      `CALLBACK_URL ${url.origin}${url.pathname} ${problems.join(', and ')}.`,
      `set CALLBACK_URL to ${fixUrl(host)} and register the domain with PayPay as an allowed callback domain${elsewhere}.`,
    );
  }
  const scheme =
    url.protocol === 'https:'
      ? `is https on this Worker's host; ${url.hostname} must be one of your allowed callback domains at PayPay.`
      : 'is http on a loopback host: local development only.';
  return pass('callback', `CALLBACK_URL ${url.origin}${url.pathname} ${scheme}`);
}
