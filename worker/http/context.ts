import { configOf, type Config, type SettingName } from '../settings/config';
import { logLine } from '../log';

/** Per-request facts the router, handlers and the log line share. */
export interface RequestContext {
  requestId: string;
  startedAt: number;
  /**
   * The settings for this request's host (development rules only on loopback),
   * parsed once per isolate; first read by the pipeline's first stage.
   */
  readonly config: Config;
  /** The route pattern, not the path: paths carry ids that do not belong in logs. */
  route: string;
  paypayRequestId: string | null;
  /**
   * The Cloudflare Access email of the person in the console (http/access.ts),
   * logged so every console action names who took it; never in an answer.
   */
  accessEmail: string | null;
  /** Headers every answer of this route carries (CORS). */
  headers: Record<string, string>;
  /** The settings the route's `needs` stages found usable: the only ones a handler reads. */
  checked: Set<SettingName>;
}

/**
 * The context of a new request. Its settings are parsed on first read, which
 * the pipeline's first stage makes inside the error handling.
 */
export function newContext(env: Env, request: Request): RequestContext {
  const host = new URL(request.url).hostname;
  return {
    requestId: newRequestId(),
    startedAt: Date.now(),
    get config() {
      return configOf(env, host);
    },
    route: 'unmatched',
    paypayRequestId: null,
    accessEmail: null,
    headers: {},
    checked: new Set(),
  };
}

/** A fresh request id: short, random, safe to show to a customer and to support. */
function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return 'req_' + [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The one log line of a request: what happened and how long it took, never a
 * secret, token, id of a person or KYC field. A console call also names the
 * Access email of who made it: the merchant's own staff, an audit trail.
 */
export function logRequest(method: string, rc: RequestContext, status: number): void {
  logLine('log', 'request', {
    method,
    route: rc.route,
    status,
    ms: Date.now() - rc.startedAt,
    requestId: rc.requestId,
    paypayRequestId: rc.paypayRequestId,
    ...(rc.accessEmail === null ? {} : { accessEmail: rc.accessEmail }),
  });
}
