import type { MetricsAnswer, MetricsStep } from '../shared/metrics';
import type { UserState } from '../shared/feed';

/**
 * Where the console's API calls go: one place, so integration can move it.
 * The Worker answers the console's calls on its own origin under this prefix
 * (behind Cloudflare Access in production). Tests and development override it
 * with `data-api` on <kyc-console> or `?api=` in the page's URL.
 */
export const DEFAULT_API_BASE = '/console/api';

/** The API base for this page: `data-api`, else `?api=`, else {@link DEFAULT_API_BASE}. */
export function apiBaseOf(root: Element, location: Location): string {
  const base =
    root.getAttribute('data-api') ||
    new URLSearchParams(location.search).get('api') ||
    DEFAULT_API_BASE;
  return base.replace(/\/+$/, '');
}

/** One row of `GET /v1/deliveries`. */
export interface Delivery {
  eventId: string;
  type: string;
  status: 'pending' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  occurredAt: string;
}

/** One user of `GET /v1/users?referenceId=`. */
export interface UserMatch {
  userAuthorizationId: string;
  /** `merchant`: the merchant's server gave the referenceId; `public`: a browser did (not to trust). */
  referenceIdMode: 'public' | 'merchant';
  verifiedAt: string | null;
  standing: string | null;
}

/** One row of `GET /v1/doctor`, as the CLI prints it. */
export interface DoctorRow {
  check: string;
  ok: boolean;
  detail: string;
  requestId?: string;
}

/** A refusal or failure of the API, with the Worker's request id when it gave one. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

/** The console's calls. Cookies (the Access session) go along; no token is ever in the page. */
export class ConsoleApi {
  constructor(readonly base: string) {}

  metrics(from: Date, to: Date, step: MetricsStep): Promise<MetricsAnswer> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), step });
    return this.call(`/v1/metrics?${query}`);
  }

  async deliveries(status: 'failed' | 'pending'): Promise<Delivery[]> {
    const answer = await this.call<{ deliveries: Delivery[] }>(
      `/v1/deliveries?status=${status}&limit=200`,
    );
    return answer.deliveries;
  }

  resend(eventId: string): Promise<{ eventId: string; status: 'pending' }> {
    return this.call(`/v1/deliveries/${encodeURIComponent(eventId)}/resend`, { method: 'POST' });
  }

  user(id: string): Promise<UserState> {
    return this.call(`/v1/users/${encodeURIComponent(id)}`);
  }

  usersByReference(referenceId: string): Promise<{ users: UserMatch[]; count: number }> {
    return this.call(`/v1/users?${new URLSearchParams({ referenceId })}`);
  }

  forget(id: string): Promise<{ status: string; requestId: string }> {
    return this.call(`/v1/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  doctor(): Promise<{ checks: DoctorRow[]; requestId?: string }> {
    return this.call('/v1/doctor');
  }

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        ...init,
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
    } catch (error) {
      throw new ApiFailure(0, 'NETWORK', error instanceof Error ? error.message : 'offline', null);
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as T;
    const error = (body as { error?: { code?: string; message?: string; requestId?: string } })
      ?.error;
    throw new ApiFailure(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      error?.requestId ?? response.headers.get('X-Request-Id'),
    );
  }
}
