import { isLoopbackHost, type RawSettings, type SettingProblem } from './values';

/** The rules a request (or work without one) runs under. */
export type Environment = 'production' | 'development';

/**
 * The rules for work on `host`: `development` only when the deployment asks for
 * it AND the host is loopback (127.0.0.0/8, localhost, [::1]). A deployment that
 * left ENVIRONMENT=development on still answers its public hostname with
 * production rules, and is told so by a warning.
 *
 * A request's hostname can be trusted for this: Cloudflare routes a request to
 * the Worker by that very hostname (a route, a custom domain or workers.dev),
 * and answers a request for `localhost` or an IP itself, so a deployed Worker
 * never sees a loopback host. Only `wrangler dev` does.
 */
export function environmentFor(
  requested: Environment,
  host: string | null,
): { environment: Environment; warning: SettingProblem | null } {
  if (requested === 'production') return { environment: 'production', warning: null };
  if (host !== null && isLoopbackHost(host)) return { environment: 'development', warning: null };
  return {
    environment: 'production',
    warning: {
      setting: 'ENVIRONMENT',
      problem: 'invalid',
      // One text for requests and the cron alike: configOf keeps one parse for all non-loopback work.
      reason:
        "ENVIRONMENT=development is honoured only on a loopback host (127.0.0.0/8, localhost, [::1]: the request's host, or CALLBACK_URL's for the cron trigger): production rules apply here",
    },
  };
}

/**
 * The host that stands for work without a request (the cron trigger, Durable
 * Objects): CALLBACK_URL's, where PayPay sends the phones. A loopback one means
 * no phone outside this machine can come back, so the deployment is local.
 */
export function backgroundHost(settings: RawSettings): string | null {
  const value = settings.CALLBACK_URL?.trim() ?? '';
  return URL.canParse(value) ? new URL(value).hostname : null;
}
