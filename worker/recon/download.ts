import { err, ok, type Result } from '../../shared/result';
import { isLoopbackHost } from '../settings/values';

/** Seams and limits of a download. */
export interface DownloadOptions {
  allowedHosts: ReadonlySet<string>;
  fetch?: typeof fetch;
  /**
   * Bytes a file may have. The body is read as a stream, so this bounds time,
   * not memory: 128 MiB is about 3.5 million of PayPay's 36-character ids.
   */
  maxBytes?: number;
  /** Until the answer's headers arrive, and then between two chunks of its body. */
  timeoutMs?: number;
  /**
   * Epoch ms by which the whole download (headers and every chunk) is read, or
   * it fails `TOO_SLOW`: a host that sends a byte now and then never trips
   * `timeoutMs`. By default `totalMs` from the call.
   */
  deadline?: number;
  /** The whole download's time when no `deadline` is given. */
  totalMs?: number;
  /** Redirects followed, and only to the same allowed host. */
  maxRedirects?: number;
}

// totalMs: past a cron run's recon share (4 min), so it binds only callers without a budget.
const DEFAULTS = {
  maxBytes: 128 * 1024 * 1024,
  timeoutMs: 20_000,
  totalMs: 5 * 60_000,
  maxRedirects: 3,
};

/** A recon file's body, read chunk by chunk within the download's limits. */
export interface ReconBody {
  /** The next chunk, null at the end, or why the download failed (the body is then released). */
  read(): Promise<Result<Uint8Array | null, string>>;
  /** Stops reading (a paused or failed file). */
  cancel(): Promise<void>;
}

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
 * Opens a recon file for reading: the URL is checked before any request,
 * redirects are not followed by fetch but by us, to the same allowed host
 * only, and the size and time are bounded while reading: a stalled body times
 * out, and every wait (headers, each chunk) ends at the whole download's
 * deadline, so a host that trickles cannot hold the invocation. Its chunks are
 * read only as fast as the caller takes them.
 */
export async function openRecon(
  path: string,
  options: DownloadOptions,
): Promise<Result<ReconBody, string>> {
  const { maxBytes, timeoutMs, totalMs, maxRedirects } = { ...DEFAULTS, ...options };
  const deadline = options.deadline ?? Date.now() + totalMs;
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const refused = refusalOf(path, options.allowedHosts);
  if (refused !== null) return err(refused);
  const origin = new URL(path);
  let url = origin;
  const controller = new AbortController();
  /** Why a wait ended: the whole download's deadline, or one wait's timeout. */
  const late = () => (Date.now() >= deadline ? 'TOO_SLOW' : 'TIMEOUT');
  const timer = setTimeout(() => controller.abort(), waitOf(timeoutMs, deadline));
  const failed = () => err(controller.signal.aborted ? late() : 'NETWORK_ERROR');
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
      if (Number(response.headers.get('Content-Length') ?? '0') > maxBytes) {
        await response.body?.cancel();
        return err('FILE_TOO_LARGE');
      }
      const reader = response.body?.getReader() ?? null;
      let size = 0;
      const stop = async (reason: string) => {
        controller.abort();
        await reader?.cancel().catch(() => {});
        return err(reason);
      };
      return ok({
        async read() {
          if (reader === null) return ok(null);
          if (Date.now() >= deadline) return stop('TOO_SLOW');
          // A race, not the fetch's signal alone: a body's stream need not heed it.
          let wait: ReturnType<typeof setTimeout> | undefined;
          const expired = new Promise<'expired'>((resolve) => {
            wait = setTimeout(() => resolve('expired'), waitOf(timeoutMs, deadline));
          });
          try {
            const next = await Promise.race([reader.read(), expired]);
            if (next === 'expired') return stop(late());
            if (next.done) return ok(null);
            size += next.value.byteLength;
            if (size > maxBytes) return stop('FILE_TOO_LARGE');
            return ok(next.value);
          } catch {
            await reader.cancel().catch(() => {});
            return failed();
          } finally {
            clearTimeout(wait);
          }
        },
        async cancel() {
          await reader?.cancel().catch(() => {});
        },
      });
    }
  } catch {
    return failed();
  } finally {
    // The headers' timer; each read of the body races its own.
    clearTimeout(timer);
  }
}

/** How long one wait may last: `timeoutMs`, or less if the deadline comes first. */
function waitOf(timeoutMs: number, deadline: number): number {
  return Math.max(0, Math.min(timeoutMs, deadline - Date.now()));
}
