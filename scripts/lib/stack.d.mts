/** Types of scripts/lib/stack.mjs for the TypeScript test setups that start the stack. */
export interface StackOptions {
  sandboxPort?: number;
  workerPort?: number;
  demoPort?: number;
  merchantApiToken?: string;
  persistTo?: string;
  demo?: boolean;
  log?: (line: string) => void;
  /**
   * Settings of the Worker added or replaced (`FEED_SHARDS: '4'`): written into the
   * env file its `wrangler dev` reads, whose values override wrangler.jsonc's vars.
   */
  workerOverrides?: Record<string, string>;
  sandboxOverrides?: Record<string, string>;
  /** Origins allowed (ALLOWED_ORIGINS) beside the demo site's, e.g. a test's own shop. */
  extraOrigins?: string[];
  /** Fire the Worker's scheduled handler every minute, as Cloudflare's cron trigger does. */
  cron?: boolean;
}

/** The every-minute cron of a stack started with `cron: true`. */
export interface StackCron {
  /** Runs the scheduled handler now, as if scheduled at `at` (epoch ms); true when it ran. */
  fire(at?: number): Promise<boolean>;
  stop(): void;
}

export interface Stack {
  sandboxUrl: string;
  workerUrl: string;
  demoUrl: string;
  merchantApiToken: string;
  cron: StackCron | null;
  stop(): Promise<void>;
}

export const SANDBOX_API_KEY: string;
export const SANDBOX_API_SECRET: string;
export function freePort(): Promise<number>;
export function startStack(options?: StackOptions): Promise<Stack>;

/** Writes a dotenv file for one wrangler dev process under .wrangler/stack; its path. */
export function writeEnvFile(name: string, values: Record<string, string>): string;
/** Spawns `wrangler dev` with `args`, its output prefixed with `[name]` into `log`. */
export function startWrangler(
  name: string,
  args: string[],
  envFile: string,
  log: (line: string) => void,
): import('node:child_process').ChildProcess;
/** Resolves once `url` answers (below 500, or a 503 naming a setting). */
export function waitForHealth(
  url: string,
  child: import('node:child_process').ChildProcess,
  name: string,
  timeoutMs?: number,
): Promise<void>;
/** SIGTERM, then SIGKILL after 5 s; resolves once the child exited. */
export function stopChild(child: import('node:child_process').ChildProcess): Promise<void>;
