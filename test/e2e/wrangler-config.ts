/** The parts of a wrangler config the tests look at. */
export interface WranglerConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags?: string[];
  assets?: { directory?: string };
  observability?: { enabled?: boolean; logs?: { enabled?: boolean; invocation_logs?: boolean } };
  vars?: Record<string, unknown>;
  durable_objects?: { bindings?: { name: string; class_name: string }[] };
  migrations?: { tag: string; new_sqlite_classes?: string[] }[];
  kv_namespaces?: { binding: string; id?: string }[];
  queues?: { producers?: object[]; consumers?: object[] };
  triggers?: { crons?: string[] };
  secrets?: unknown;
}

interface WranglerReader {
  experimental_readRawConfig(args: { config: string }): { rawConfig: WranglerConfig };
}

/**
 * A wrangler config (wrangler.jsonc: comments, trailing commas) read by wrangler's
 * own reader, so a test sees what `wrangler dev` and `wrangler deploy` see. The
 * module name is a variable on purpose: wrangler's typings would bring
 * @cloudflare/workers-types' globals into this Node project.
 */
export async function readWranglerConfig(path: string): Promise<WranglerConfig> {
  const name = 'wrangler';
  const wrangler = (await import(name)) as WranglerReader;
  return wrangler.experimental_readRawConfig({ config: path }).rawConfig;
}
