import { json } from './admin';
import { parseOpaAuth } from './auth';
import { parseConfig } from './config';
import { isRecord } from './validate';
import { envelope, internalError, unknownPath, wrongMethod } from './envelope';
import { indexPage } from './html';
import { notFoundPage } from './phone';
import { matchRoute } from './routes';

export { SandboxMerchant } from './merchant';

/**
 * The Worker only finds the merchant a request belongs to and hands it to that
 * merchant's Durable Object: by the API key in the OPA-Auth header, by the
 * object id in public links (phone page, recon files, selfies), or by
 * `X-Sandbox-Api-Key` on the admin API.
 */
export default {
  async fetch(request, env): Promise<Response> {
    try {
      const url = new URL(request.url);
      const route = matchRoute(request.method, url.pathname);
      switch (route.kind) {
        case 'index':
          return indexPage();
        case 'health':
          return health(env);
        case 'unknown':
          return unknownPath();
        case 'api-method':
          return wrongMethod(route.allowed);
        case 'api': {
          const auth = parseOpaAuth(request.headers.get('Authorization'));
          if (!auth) {
            // Read the body anyway: answering mid-upload breaks the client's send.
            await request.arrayBuffer();
            return envelope('UNAUTHORIZED', 'Authorization is missing or not "hmac OPA-Auth:..."');
          }
          return merchantByKey(env, auth.apiKey).fetch(request);
        }
        case 'phone':
        case 'recon':
        case 'selfie': {
          const stub = merchantById(env, route.tenant);
          if (stub) return stub.fetch(request);
          return route.kind === 'phone'
            ? notFoundPage()
            : new Response('Not found', { status: 404 });
        }
        case 'admin':
          if (route.path === '/merchant' && request.method === 'PUT') return register(env, request);
          return merchantByKey(
            env,
            request.headers.get('X-Sandbox-Api-Key') ?? env.SANDBOX_API_KEY,
          ).fetch(request);
      }
    } catch (error) {
      return internalError(error);
    }
  },
} satisfies ExportedHandler<SandboxEnv>;

function merchantByKey(env: SandboxEnv, apiKey: string): DurableObjectStub {
  return env.MERCHANTS.get(env.MERCHANTS.idFromName(apiKey));
}

/** Public links carry the object id, never the API key; a malformed id is just a 404. */
function merchantById(env: SandboxEnv, hex: string): DurableObjectStub | null {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  try {
    return env.MERCHANTS.get(env.MERCHANTS.idFromString(hex));
  } catch {
    return null;
  }
}

/** The registration names its merchant in the body, so the body picks the object. */
async function register(env: SandboxEnv, request: Request): Promise<Response> {
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isRecord(body) || typeof body.apiKey !== 'string' || body.apiKey === '') {
    return json(
      { error: { code: 'INVALID_MERCHANT', message: 'body must be JSON with an apiKey' } },
      400,
    );
  }
  return merchantByKey(env, body.apiKey).fetch(request.url, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: text,
  });
}

function health(env: SandboxEnv): Response {
  try {
    parseConfig(env);
    return json({ ok: true });
  } catch (error) {
    return json({ ok: false, error: error instanceof Error ? error.message : String(error) }, 503);
  }
}
