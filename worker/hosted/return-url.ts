import type { Config } from '../settings/config';
import { isLoopbackHost } from '../settings/values';
import { ApiError } from '../http/errors';

/**
 * A merchant's `returnUrl` (its shape was checked with the body), held to the
 * rules of the Worker's URL settings: https, or http on a loopback host in
 * development only; and on an origin ALLOWED_ORIGINS lists, the origins the
 * merchant already named as its shop's. The hosted page sends the customer
 * there with the result token, so an open redirect would hand it to anyone.
 */
export function checkedReturnUrl(value: string, config: Config): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  // Credentials in it would reach the shop's logs, and mean a mistake.
  if (url === null || url.username || url.password)
    throw ApiError.of(
      'INVALID_FIELD',
      'returnUrl must be an absolute http(s) URL without credentials',
    );
  const loopbackHttp =
    url.protocol === 'http:' &&
    config.environment === 'development' &&
    isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp)
    throw ApiError.of(
      'RETURN_URL_NOT_ALLOWED',
      'returnUrl must be https (http only on a loopback host in development)',
    );
  if (!config.allowedOrigins.has(url.origin))
    throw ApiError.of('RETURN_URL_NOT_ALLOWED', "returnUrl's origin is not in ALLOWED_ORIGINS");
  return url.href;
}

/** The hosted page of a session, on the Worker's public origin (CALLBACK_URL's). */
export function hostedPageUrl(callbackUrl: string, sessionId: string): string {
  return new URL(`/verify/${sessionId}`, callbackUrl).href;
}
