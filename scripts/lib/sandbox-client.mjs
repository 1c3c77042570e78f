// Node-side helpers that play PayPay's part against the local sandbox: the
// PayPay user on the phone page, and the admin calls tests and scripts make.
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from './stack.mjs';

/** An admin call (`/_sandbox/...`) for the default merchant: its status and JSON body. */
export async function sandboxAdmin(sandboxUrl, method, path, body) {
  const response = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/**
 * Re-registers the default merchant with these optional fields (PayPay variants,
 * QR lifetime...; sandbox/README.md). Its webhook URLs are kept; every option
 * not given goes back to its default, so `{}` restores the plain merchant.
 */
export function setMerchantOptions(sandboxUrl, options) {
  return sandboxAdmin(sandboxUrl, 'PUT', '/merchant', {
    ...options,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
  });
}

/** How long the default merchant's QRs live, in seconds (its webhook URLs are kept). */
export function setQrLifetime(sandboxUrl, seconds) {
  return setMerchantOptions(sandboxUrl, { qrTtlSeconds: seconds });
}

/**
 * Picks `outcome` on the sandbox phone page (with extra form `fields`, e.g.
 * `identity`), then follows PayPay's redirect to the merchant's callback the way
 * the phone's browser would: `callback` is the callback's answer (a 303), `page`
 * the page it sends the phone to. Both are null when the outcome does not redirect.
 */
export async function playPhone(qrUrl, outcome, fields = {}) {
  const answer = await fetch(qrUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ outcome, ...fields }),
    redirect: 'manual',
  });
  const location = answer.headers.get('Location');
  if (answer.status !== 303 || !location)
    return { status: answer.status, location: null, callback: null, page: null, pageUrl: null };
  // The Worker's callback uses the token, then sends the phone on (303) to a
  // token-free page: both steps, as the phone's browser takes them.
  const callback = await fetch(location, { redirect: 'manual' });
  const next = callback.headers.get('Location');
  const pageUrl = callback.status === 303 && next ? new URL(next, location).href : location;
  const page = pageUrl === location ? callback : await fetch(pageUrl, { redirect: 'manual' });
  return { status: answer.status, location, callback, page, pageUrl };
}
