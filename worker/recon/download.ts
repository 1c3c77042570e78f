import { err, ok, type Result } from '../../shared/result';
import { isLoopbackHost } from '../setting-values';
import { readBytesWithin } from '../http/limited';

/** What a download gives: the bytes, or why not (a code, safe to log and show). */
export type Download = Result<Uint8Array, string>;

/** Seams and limits of a download. */
export interface DownloadOptions {
  allowedHosts: ReadonlySet<string>;
  fetch?: typeof fetch;
  /** 8 MiB holds about 200,000 ids of PayPay's 36-character UUIDs. */
  maxBytes?: number;
  timeoutMs?: number;
  /** Redirects followed, and only to the same allowed host. */
  maxRedirects?: number;
}

const DEFAULTS = { maxBytes: 8 * 1024 * 1024, timeoutMs: 20_000, maxRedirects: 3 };

/**
 * Why a recon `path` may not be fetched, or null when it may: https (http only
 * to a loopback host, which exists only in local development), no userinfo
 * (`https://allowed@evil/` names host "evil"), and a host, with its port when
 * not the default, listed exactly in RECON_ALLOWED_HOSTS. IP literals, other
 * ports and look-alike names are refused because they are not in the list.
 */
export function refusalOf(path: string, allowedHosts: ReadonlySet<string>): string | null {
  if (!URL.canParse(path)) return 'PATH_NOT_A_URL';
  const url = new URL(path);
  if (url.username !== '' || url.password !== '') return 'PATH_HAS_USERINFO';
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
  if (!secure) return 'PATH_NOT_HTTPS';
  if (!allowedHosts.has(url.host)) return 'HOST_NOT_ALLOWED';
  return null;
}

/**
 * Downloads a recon file: the URL is checked before any request, redirects are
 * not followed by fetch but by us, to the same allowed host only, and the size
 * and time are bounded while reading.
 */
export async function downloadRecon(path: string, options: DownloadOptions): Promise<Download> {
  const { maxBytes, timeoutMs, maxRedirects } = { ...DEFAULTS, ...options };
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const refused = refusalOf(path, options.allowedHosts);
  if (refused !== null) return err(refused);
  const origin = new URL(path);
  let url = origin;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetchFn(url.href, {
        redirect: 'manual',
        signal: controller.signal,
        headers: { Accept: 'text/csv, */*' },
      });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get('Location');
        if (location === null || !URL.canParse(location, url.href)) {
          return err('BAD_REDIRECT');
        }
        const next = new URL(location, url);
        if (refusalOf(next.href, options.allowedHosts) !== null || next.host !== origin.host) {
          return err('REDIRECT_NOT_ALLOWED');
        }
        if (hop >= maxRedirects) return err('TOO_MANY_REDIRECTS');
        url = next;
        continue;
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return err(`HTTP_${response.status}`);
      }
      const bytes = await readLimited(response, maxBytes);
      return bytes === null ? err('FILE_TOO_LARGE') : ok(bytes);
    }
  } catch {
    return err(controller.signal.aborted ? 'TIMEOUT' : 'NETWORK_ERROR');
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(response: Response, limit: number): Promise<Uint8Array | null> {
  if (Number(response.headers.get('Content-Length') ?? '0') > limit) {
    await response.body?.cancel();
    return null;
  }
  return readBytesWithin(response.body, limit);
}
