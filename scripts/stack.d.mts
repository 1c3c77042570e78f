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
}

export interface Stack {
  sandboxUrl: string;
  workerUrl: string;
  demoUrl: string;
  merchantApiToken: string;
  stop(): Promise<void>;
}

export const SANDBOX_API_KEY: string;
export const SANDBOX_API_SECRET: string;
export function freePort(): Promise<number>;
export function startStack(options?: StackOptions): Promise<Stack>;
