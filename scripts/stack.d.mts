/** Types of scripts/stack.mjs for the TypeScript test setups that start the stack. */
export interface StackOptions {
  sandboxPort?: number;
  workerPort?: number;
  demoPort?: number;
  merchantApiToken?: string;
  persistTo?: string;
  demo?: boolean;
  log?: (line: string) => void;
  workerOverrides?: Record<string, string>;
  sandboxOverrides?: Record<string, string>;
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
