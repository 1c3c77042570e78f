import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One answer the Worker gave during the e2e run. */
export interface Seen {
  method: string;
  url: string;
  status: number;
  contentType: string;
  body: string;
}

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const doc = JSON.parse(
  readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>;
  /** Requests the Worker sends (OpenAPI 3.1): not routes, so never in `paths` checks. */
  webhooks?: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: doc.components });

/** The documented path template a concrete path matches, or null. */
function templateOf(path: string): string | null {
  for (const template of Object.keys(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(path)) return template;
  }
  return null;
}

/**
 * Checks one real answer against docs/openapi.json: the route, method and
 * status must be documented, and a JSON body must match its schema exactly
 * (schemas are closed, so a new or missing field fails). Returns the problems.
 */
export function checkAnswer(seen: Seen): string[] {
  const url = new URL(seen.url);
  const where = `${seen.method} ${url.pathname} ${seen.status}`;
  const template = templateOf(url.pathname);
  if (!template) return [`${where}: path not in the OpenAPI document`];
  const operation = doc.paths[template]?.[seen.method.toLowerCase()];
  if (!operation) return [`${where}: method not documented for ${template}`];
  const response = operation.responses[String(seen.status)];
  if (!response) return [`${where}: status not documented for ${seen.method} ${template}`];
  const type = seen.contentType.split(';')[0]!.trim();
  const media = response.content?.[type];
  if (response.content && !media) return [`${where}: content type ${type} not documented`];
  if (!media?.schema || type !== 'application/json') return [];
  const validate = ajv.compile(rewriteRefs(media.schema) as object);
  if (validate(JSON.parse(seen.body))) return [];
  return (validate.errors ?? []).map(
    (e) => `${where}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** Local `#/components/...` refs, pointed at the document registered above. */
function rewriteRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'));
}

/** Every operation (method + path) the document lists. */
export function documentedOperations(): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The template of a concrete path (for coverage reports). */
export function operationOf(method: string, url: string): string | null {
  const template = templateOf(new URL(url).pathname);
  return template ? `${method.toUpperCase()} ${template}` : null;
}

/**
 * Checks one request the Worker sent (a forwarded event) against the document's
 * `webhooks` entry `name`: every documented header present and matching its
 * schema, the JSON body matching the request body's schema exactly. Returns the problems.
 */
export function checkWebhook(
  name: string,
  seen: { method: string; headers: Record<string, string | string[] | undefined>; body: string },
): string[] {
  const where = `webhook ${name}`;
  const operation = doc.webhooks?.[name]?.[seen.method.toLowerCase()];
  if (!operation) return [`${where}: ${seen.method} not in the OpenAPI document's webhooks`];
  const problems: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== 'header') continue;
    const value = seen.headers[parameter.name.toLowerCase()];
    if (value === undefined) {
      if (parameter.required) problems.push(`${where}: header ${parameter.name} missing`);
      continue;
    }
    const validate = ajv.compile(rewriteRefs(parameter.schema ?? {}) as object);
    if (!validate(value))
      problems.push(`${where}: header ${parameter.name} ${ajv.errorsText(validate.errors)}`);
  }
  const type = String(seen.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  const schema = operation.requestBody?.content[type]?.schema;
  if (!schema) return [...problems, `${where}: content type ${type} not documented`];
  const validate = ajv.compile(rewriteRefs(schema) as object);
  if (!validate(JSON.parse(seen.body)))
    for (const e of validate.errors ?? [])
      problems.push(
        `${where}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
  return problems;
}
