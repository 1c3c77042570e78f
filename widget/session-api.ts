import {
  SESSION_ID_PATTERN,
  SESSION_STATUSES,
  type CreatedSession,
  type Lang,
  type RedirectType,
  type SessionView,
} from '../shared/wire';

/** A failed call, in the Worker's own terms when it answered. */
export class WidgetApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    /** Whether trying again later may work (network, 429, 5xx). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** What the element asks for when it starts a session. */
export interface StartOptions {
  endpoint: string;
  provider?: string | undefined;
  lang: Lang;
  referenceId?: string | undefined;
  redirectType?: RedirectType | undefined;
  /** The `claims` attribute as written: names separated by spaces or commas. */
  claims?: string | null | undefined;
  signal: AbortSignal;
}

/**
 * Creates a session: straight at the Worker (public mode), or through the
 * merchant's own `session-provider`, which creates it server-side and hands
 * back the Worker's JSON unchanged.
 */
export async function startSession(options: StartOptions): Promise<CreatedSession> {
  const viaProvider = Boolean(options.provider);
  const claims = claimsOf(options.claims);
  const url = viaProvider
    ? new URL(options.provider!, document.baseURI).href
    : `${base(options.endpoint)}/v1/sessions`;
  const body = viaProvider
    ? { lang: options.lang }
    : {
        lang: options.lang,
        referenceId: options.referenceId,
        redirectType: options.redirectType,
        claims,
      };
  const response = await call(
    url,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      // The provider is the merchant's own endpoint: its cookies say who is signed in.
      credentials: viaProvider ? 'include' : 'omit',
      signal: options.signal,
    },
    viaProvider,
  );
  const created = (await response.json().catch(() => null)) as Partial<CreatedSession> | null;
  if (!isCreated(created))
    throw new WidgetApiError(
      viaProvider ? 'PROVIDER_ERROR' : 'INTERNAL_ERROR',
      'Unexpected answer',
      null,
      true,
    );
  return created;
}

/**
 * The `claims` attribute as the Worker takes it: undefined when not set (the
 * Worker's default), else its names as a list, an empty or misspelt one
 * included. The Worker refuses those by name (400 INVALID_FIELD), never reading
 * them as "not set", which would ask for every fact; the element carries no
 * copy of the claim names to check them itself.
 */
function claimsOf(attribute: string | null | undefined): string[] | undefined {
  return attribute == null ? undefined : attribute.split(/[\s,]+/).filter(Boolean);
}

/** The session's current status. */
export async function readStatus(
  endpoint: string,
  sessionId: string,
  signal: AbortSignal,
): Promise<SessionView> {
  const response = await call(
    `${base(endpoint)}/v1/sessions/${sessionId}`,
    { credentials: 'omit', signal },
    false,
  );
  const view = (await response.json().catch(() => null)) as SessionView | null;
  if (!view || !SESSION_STATUSES.includes(view.status))
    throw new WidgetApiError('INTERNAL_ERROR', 'Unexpected answer', null, true);
  return view;
}

/** The endpoint without a trailing slash, or an error for anything that is not http(s). */
export function base(endpoint: string): string {
  if (!endpoint.trim())
    throw new WidgetApiError('INVALID_CONFIG', 'endpoint is required', null, false);
  let url: URL;
  try {
    url = new URL(endpoint, document.baseURI);
  } catch {
    throw new WidgetApiError('INVALID_CONFIG', 'endpoint is not a URL', null, false);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WidgetApiError('INVALID_CONFIG', 'endpoint must be http(s)', null, false);
  return url.href.replace(/\/+$/, '');
}

async function call(url: string, init: RequestInit, viaProvider: boolean): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, mode: 'cors', cache: 'no-store' });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new WidgetApiError('NETWORK_ERROR', 'The server could not be reached', null, true);
  }
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: unknown; message?: unknown; requestId?: unknown };
  } | null;
  const retryable = response.status === 429 || response.status >= 500;
  const error = body?.error;
  if (error && typeof error.code === 'string') {
    throw new WidgetApiError(
      error.code,
      typeof error.message === 'string' ? error.message : '',
      typeof error.requestId === 'string' ? error.requestId : null,
      retryable,
    );
  }
  throw new WidgetApiError(
    viaProvider ? 'PROVIDER_ERROR' : 'INTERNAL_ERROR',
    `HTTP ${response.status}`,
    null,
    retryable,
  );
}

function isCreated(value: Partial<CreatedSession> | null): value is CreatedSession {
  if (!value || typeof value.sessionId !== 'string' || !SESSION_ID_PATTERN.test(value.sessionId))
    return false;
  if (typeof value.expiresAt !== 'string' || Number.isNaN(Date.parse(value.expiresAt)))
    return false;
  // qrUrl becomes an href: only http(s), never javascript: or data:.
  if (typeof value.qrUrl !== 'string') return false;
  try {
    const url = new URL(value.qrUrl);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
