import type { IRequest } from 'itty-router';
import { ApiError } from '../http/errors';
import type { Stage } from '../http/pipeline';
import type { Route } from '../http/route-table';
import { merchant, merchantOrConsole } from '../http/auth';

// The merchant's console (issue 24): a single-page app built to dist/console/,
// served by the Worker after the Access check (wrangler.jsonc runs the Worker
// first for /console and /console/*, so the static-asset layer never hands it
// out on its own). Its API calls go to /console/api/v1/..., inside the Access
// application, which adds Cf-Access-Jwt-Assertion only to the paths it covers.

/** Where the console's API calls go: the `/v1` routes, under the console's Access application. */
export const CONSOLE_API = '/console/api';

/**
 * A `/v1` route line and its console twin at `/console/api/v1/...`: the same
 * stages, but `merchant` is `merchantOrConsole`, so the console's Access
 * identity is taken as well as the bearer. The `/v1` line itself is unchanged:
 * Access never covers it, and development's open console does not open it.
 */
export function alsoForConsole(line: Route): Route[] {
  if (!line.stages.includes(merchant)) {
    throw new Error(`${line.method} ${line.path} is not a merchant route`);
  }
  const stages = line.stages.map((stage) => (stage === merchant ? merchantOrConsole : stage));
  return [line, { ...line, path: `${CONSOLE_API}${line.path}`, stages }];
}

/**
 * The console's files. A path with a file extension is that file of
 * dist/console/; any other path is the app's page (index.html), which routes
 * on the client. An unbuilt console (no dist/console/index.html) is a 404.
 */
export const consolePage: Stage = async (request, env) => {
  const url = new URL(request.url);
  if (url.pathname === CONSOLE_API || url.pathname.startsWith(`${CONSOLE_API}/`)) {
    throw ApiError.of('NOT_FOUND', 'No such route');
  }
  const file = /\/[^/]*\.[A-Za-z0-9]+$/.test(url.pathname) ? url.pathname : '/console/';
  const asset = await env.ASSETS.fetch(assetRequest(request, `${url.origin}${file}`));
  if (asset.status !== 200 && asset.status !== 304) {
    throw ApiError.of(
      'NOT_FOUND',
      file === '/console/' ? 'The console is not built: run npm run build' : 'No such file',
    );
  }
  const answer = new Response(asset.body, asset);
  // Behind Access: kept by no shared cache, checked again on each load (ETag).
  answer.headers.set('Cache-Control', 'private, no-cache');
  // Never framed by another page (a shop's page included), never named in a Referer.
  answer.headers.set('Content-Security-Policy', "frame-ancestors 'none'");
  answer.headers.set('X-Frame-Options', 'DENY');
  answer.headers.set('Referrer-Policy', 'no-referrer');
  return answer;
};

/** The asset fetch: the file's URL and the browser's revalidation header, nothing of Access. */
function assetRequest(request: IRequest, url: string): Request {
  const headers = new Headers();
  const etag = request.headers.get('If-None-Match');
  if (etag !== null) headers.set('If-None-Match', etag);
  return new Request(url, { headers });
}
