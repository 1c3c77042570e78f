import { Router, type IRequest } from 'itty-router';
import { ApiError } from './errors';
import { pipeline, type HandlerArgs, type Stage } from './pipeline';

/** The methods our routes answer, in the order an `Allow` header names them. */
const METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS'] as const;

/** A method one of our routes answers. */
export type Method = (typeof METHODS)[number];

/** itty-router's name for the routes of each method. */
const VERBS = { GET: 'get', POST: 'post', DELETE: 'delete', OPTIONS: 'options' } as const;

/** One line of the route table: a method and path, and its stages in the order they run. */
export interface Route {
  method: Method;
  path: string;
  /**
   * Stages of the path that run before its method is checked, for every method
   * (PayPay's receivers check source and path token first: a stranger learns nothing).
   */
  first: readonly Stage[];
  stages: readonly Stage[];
  /** The route serves only requests this accepts; the others go on to the next route. */
  when: ((request: IRequest) => boolean) | null;
  /** Whether the path's other methods are answered 405 (with Allow) or, outside the API, 404. */
  otherMethods: 'not-allowed' | 'not-found';
}

/** Stages that run before the path's method is checked (`beforeMethod(...)` in a route line). */
interface BeforeMethod {
  first: readonly Stage[];
}

/** The condition of a route that serves some requests only (`onlyIf(...)` in a route line). */
interface Condition {
  when: (request: IRequest) => boolean;
}

/** A path whose other methods are unknown routes (`otherMethods404()` in a route line). */
interface NotFoundOtherwise {
  otherMethods: 'not-found';
}

type Step = Stage | BeforeMethod | Condition | NotFoundOtherwise;

/** A route line's stages that run before its method is checked; the same on every line of the path. */
export function beforeMethod(...first: Stage[]): BeforeMethod {
  return { first };
}

/** A route line that serves only the requests `when` accepts: the others try the next line. */
export function onlyIf(when: (request: IRequest) => boolean): Condition {
  return { when };
}

/**
 * A route line whose path answers other methods 404, as an unknown route,
 * rather than 405: a probe address outside the API (`/healthz`) has always done so.
 */
export function otherMethods404(): NotFoundOtherwise {
  return { otherMethods: 'not-found' };
}

function route(method: Method, path: string, steps: Step[]): Route {
  const line: Route = {
    method,
    path,
    first: [],
    stages: [],
    when: null,
    otherMethods: 'not-allowed',
  };
  for (const step of steps) {
    if (typeof step === 'function') line.stages = [...line.stages, step];
    else if ('first' in step) line.first = step.first;
    else if ('when' in step) line.when = step.when;
    else line.otherMethods = step.otherMethods;
  }
  return line;
}

/** A `GET` line of the route table. */
export const get = (path: string, ...steps: Step[]): Route => route('GET', path, steps);
/** A `POST` line of the route table. */
export const post = (path: string, ...steps: Step[]): Route => route('POST', path, steps);
/** A `DELETE` line of the route table. */
export const del = (path: string, ...steps: Step[]): Route => route('DELETE', path, steps);
/** An `OPTIONS` (CORS preflight) line of the route table. */
export const options = (path: string, ...steps: Step[]): Route => route('OPTIONS', path, steps);

/**
 * The router a route table describes, on the pipeline: each line as written,
 * then for each path one `405 METHOD_NOT_ALLOWED` whose `Allow` names the
 * path's methods (after its `beforeMethod` stages; none where a line says
 * `otherMethods404()`), then `404 NOT_FOUND`.
 * The table is the one place that knows a path's methods.
 */
export function routerOf(routes: readonly Route[]) {
  const router = Router<IRequest, HandlerArgs>(pipeline);
  for (const line of routes) {
    router[VERBS[line.method]](line.path, ...handlersOf(line));
  }
  for (const [path, lines] of byPath(routes)) {
    if (lines.some((line) => line.otherMethods === 'not-found')) continue;
    const allow = METHODS.filter((method) => lines.some((line) => line.method === method));
    router.all(path, ...(lines[0]?.first ?? []), methodNotAllowed(allow.join(', ')));
  }
  return router.all('*', () => {
    throw ApiError.of('NOT_FOUND', 'No such route');
  });
}

/** A line's stages as itty-router runs them; a conditional line becomes one stage that may pass. */
function handlersOf(line: Route): Stage[] {
  const stages = [...line.first, ...line.stages];
  const when = line.when;
  if (when === null) return stages;
  return [
    async (request, ...args) => {
      if (!when(request)) return undefined;
      for (const stage of stages) {
        const answer = await stage(request, ...args);
        if (answer != null) return answer;
      }
      return undefined;
    },
  ];
}

function byPath(routes: readonly Route[]): Map<string, Route[]> {
  const paths = new Map<string, Route[]>();
  for (const line of routes) paths.set(line.path, [...(paths.get(line.path) ?? []), line]);
  return paths;
}

/** A known path asked with a method it does not have. */
function methodNotAllowed(allow: string): Stage {
  return () => {
    throw ApiError.of('METHOD_NOT_ALLOWED', `Use ${allow}`, { Allow: allow });
  };
}
