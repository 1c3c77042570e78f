import {
  DEFAULT_PAYPAY_ROUTES,
  PATH_PLACEHOLDER_OF,
  PAYPAY_OPERATIONS,
  type PayPayOperation,
} from '../shared/paypay-codes';

/**
 * Where a request goes. The Worker reads it to find the merchant's Durable
 * Object; the object reads it again to pick the handler.
 */
export type Route =
  | {
      kind: 'api';
      operation: PayPayOperation;
      /**
       * The path segment in the operation's placeholder (`{codeId}`,
       * `{userAuthorizationId}`), raw as received: still percent-encoded, as the
       * signature covers it. The handler decodes it if it needs to.
       */
      segment?: string;
    }
  | { kind: 'api-method'; allowed: string }
  | { kind: 'phone'; tenant: string; codeId: string }
  | { kind: 'recon'; tenant: string; fileId: string; fileName: string }
  | { kind: 'selfie'; tenant: string; userAuthorizationId: string }
  | { kind: 'admin'; path: string }
  | { kind: 'index' }
  | { kind: 'health' }
  | { kind: 'unknown' };

const API_PATTERNS = PAYPAY_OPERATIONS.map((operation) => {
  const { method, path } = DEFAULT_PAYPAY_ROUTES[operation];
  const placeholder = PATH_PLACEHOLDER_OF[operation];
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  const source = placeholder === null ? escaped : escaped.replace(placeholder, '([^/]+)');
  return { operation, method, pattern: new RegExp(`^${source}$`) };
});

const SEGMENT = '([^/]+)';
const PHONE = new RegExp(`^/phone/${SEGMENT}/${SEGMENT}$`);
const RECON = new RegExp(`^/recon/${SEGMENT}/${SEGMENT}/([^/]+\\.csv)$`);
const SELFIE = new RegExp(`^/selfie/${SEGMENT}/${SEGMENT}\\.jpg$`);

/** The route of `method` + `pathname` (path only: PayPay signs no query string). */
export function matchRoute(method: string, pathname: string): Route {
  for (const api of API_PATTERNS) {
    const match = api.pattern.exec(pathname);
    if (!match) continue;
    if (method !== api.method) return { kind: 'api-method', allowed: api.method };
    const segment = match[1];
    return segment === undefined
      ? { kind: 'api', operation: api.operation }
      : { kind: 'api', operation: api.operation, segment };
  }
  let m = PHONE.exec(pathname);
  if (m?.[1] && m[2]) return { kind: 'phone', tenant: m[1], codeId: m[2] };
  m = RECON.exec(pathname);
  if (m?.[1] && m[2] && m[3]) return { kind: 'recon', tenant: m[1], fileId: m[2], fileName: m[3] };
  m = SELFIE.exec(pathname);
  if (m?.[1] && m[2]) return { kind: 'selfie', tenant: m[1], userAuthorizationId: m[2] };
  if (pathname === '/_sandbox' || pathname.startsWith('/_sandbox/')) {
    return { kind: 'admin', path: pathname.slice('/_sandbox'.length) };
  }
  if (pathname === '/') return { kind: 'index' };
  if (pathname === '/healthz') return { kind: 'health' };
  return { kind: 'unknown' };
}
