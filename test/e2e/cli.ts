import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { feedEvents, stack } from './support';

// The paypay-kyc CLI as the cli-*.test.ts files run it.

/** The repository root, and the CLI in it. */
export const root = new URL('../..', import.meta.url).pathname;
const CLI = join(root, 'cli/paypay-kyc.mjs');

/** How a run of the CLI ended. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `paypay-kyc <args>` as a merchant runs it: the token only in its environment. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
  cwd = root,
): Promise<Run> {
  const run = await new Promise<Run>((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd,
        env: { ...process.env, MERCHANT_API_TOKEN: stack().merchantApiToken, ...env },
        timeout: 45_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
  // Never the merchant token, on either stream, whatever the outcome.
  expect(run.stdout + run.stderr).not.toContain(stack().merchantApiToken);
  return run;
}

/** The flags that point a command at the stack's Worker, or at its sandbox. */
export const onWorker = () => ['--endpoint', stack().workerUrl];
export const onSandbox = () => ['--sandbox', stack().sandboxUrl];

/** A feed event as `events --json` prints it, in part. */
export interface Event {
  id: string;
  type: string;
  userAuthorizationId?: string;
  notificationId?: string;
}

/** `events --json` after `after`: the events and the cursor it ends at. */
export async function events(
  after?: string,
  limit = 100,
): Promise<{ events: Event[]; cursor: string }> {
  const args = ['events', ...onWorker(), '--json', '--limit', String(limit)];
  const run = await cli(after === undefined ? args : [...args, '--after', after]);
  expect(run.code, run.stderr).toBe(0);
  const cursor = /^cursor (\d+)$/m.exec(run.stderr)?.[1];
  expect(cursor).toBeDefined();
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  return { events: lines.map((line) => JSON.parse(line) as Event), cursor: cursor! };
}

/**
 * `trigger <kind> <uaid>` on the sandbox, checked delivered once, and waited
 * for until the Worker's queue consumer recorded it (its 200 means queued);
 * the notification id.
 */
export async function trigger(kind: string, uaid: string): Promise<string> {
  const run = await cli(['trigger', kind, uaid, ...onSandbox(), '--json']);
  expect(run.code, run.stderr).toBe(0);
  const answer = JSON.parse(run.stdout) as { notificationId: string; deliveries: unknown[] };
  expect(answer.deliveries).toEqual([{ status: 200, attempts: 1 }]);
  await expect
    .poll(
      async () => (await feedEvents()).some((e) => e.notificationId === answer.notificationId),
      {
        timeout: 10_000,
        interval: 200,
      },
    )
    .toBe(true);
  return answer.notificationId;
}
