/** The kinds of log line the Worker writes; each is one JSON object on one line. */
export type LogType = 'request' | 'error' | 'cron' | 'paypay' | 'recon' | 'queue';

/** How loud a line is: `wrangler tail` and Workers Logs filter on it. */
export type LogLevel = 'log' | 'warn' | 'error';

/**
 * Writes one JSON log line. The one writer, so every line has a `type` and none
 * is built by hand: callers pass names, codes, counts and ids of requests, never
 * a secret, a token, a user's id or a KYC field.
 */
export function logLine(
  level: LogLevel,
  type: LogType,
  fields: Record<string, string | number | boolean | null | string[]>,
): void {
  const line = JSON.stringify({ type, ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/**
 * An error for a log line: its name, or the feed shards' one known message
 * (FEED_SHARDS_CHANGED); never any other message, which might hold an id.
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  return error.message === 'FEED_SHARDS_CHANGED' ? error.message : error.name;
}
