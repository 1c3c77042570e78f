import type { Config } from '../config';
import type { ReconClaim } from '../feed/recon-table';
import { feedOf } from '../feed/stub';
import { parseReconCsv } from './csv';
import { downloadRecon } from './download';

/**
 * Ids sent to the feed object per call. Each call is one short SQLite
 * transaction (a few tens of ms for 2,000 ids), so webhooks recorded meanwhile
 * are not held up, and a 100,000-id file is 50 calls.
 */
export const RECON_BATCH = 2_000;

/** How processing a claimed file ended. */
export type ReconOutcome = 'done' | 'retry' | 'lost';

/**
 * Downloads, parses and records one claimed recon file. A failure is handed
 * back to the feed object, which schedules the cron trigger's next attempt or,
 * once PayPay's 2-hour window has closed, reports the file lost.
 */
export async function processRecon(
  env: Env,
  config: Config,
  claim: ReconClaim,
  now: number,
  fetchFn?: typeof fetch,
): Promise<ReconOutcome> {
  const feed = feedOf(env);
  const download = await downloadRecon(claim.path, {
    allowedHosts: config.reconAllowedHosts,
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  if (!download.ok) return feed.reconFailed(claim.notificationId, download.error, now);
  const parsed = parseReconCsv(download.value);
  if (!parsed.ok) return feed.reconFailed(claim.notificationId, parsed.error, now);
  const csv = parsed.value;
  for (let offset = claim.processed; offset < csv.ids.length; offset += RECON_BATCH) {
    await feed.reconBatch(
      claim.notificationId,
      offset,
      csv.ids.slice(offset, offset + RECON_BATCH),
      now,
    );
  }
  await feed.reconFinished(
    claim.notificationId,
    { total: csv.ids.length, junk: csv.junk, junkLines: csv.junkLines },
    now,
  );
  return 'done';
}
