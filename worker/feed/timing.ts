/**
 * Timings of the event feed and what hangs off it. The numbers come from
 * PayPay's rules (2-hour recon window) and KV's limits (one write per second per
 * key); the rest are our choices, documented in docs/storage.md.
 */
export const FEED_TIMING = {
  /** A user is re-read from PayPay at most this often, whatever the number of hints. */
  rereadMinIntervalMs: 60_000,
  /** A re-read handed out and not answered within this is handed out again. */
  rereadLeaseMs: 30_000,
  /** Re-reads that failed (PayPay down) back off from this, doubling... */
  rereadRetryBaseMs: 60_000,
  /** ...up to this. */
  rereadRetryMaxMs: 3_600_000,
  /** PayPay's recon "file acquisition period", from requestedAt. */
  reconWindowMs: 2 * 3_600_000,
  /**
   * A recon file taken and not worked on within this (no batch recorded) is
   * taken again: each batch renews the lease, so a run cut short hands its file
   * on soon.
   */
  reconLeaseMs: 2 * 60_000,
  /** Failed recon downloads back off from this, doubling, up to reconRetryMaxMs. */
  reconRetryBaseMs: 60_000,
  reconRetryMaxMs: 15 * 60_000,
  /**
   * A webhook received this long after a recon period ended still counts for it:
   * PayPay's retries of a 23:59:59 event may land after midnight.
   */
  reconSeenGraceMs: 10 * 60_000,
  /** KV allows about one write per second per key. */
  kvWriteGapMs: 1_000,
  /** Changed users are copied to KV this soon after a change (the alarm). */
  flushDelayMs: 250,
  /**
   * Users written to KV at once (a request arriving waits for at most one such
   * batch), and the time one flush may take before handing over to the alarm.
   */
  flushBatch: 20,
  flushBudgetMs: 10_000,
  /** Forwarding: lease, first retry, longest gap, and when to give up on an event. */
  forwardLeaseMs: 60_000,
  forwardRetryBaseMs: 30_000,
  forwardRetryMaxMs: 3_600_000,
  forwardGiveUpMs: 3 * 86_400_000,
  /** Finished recon files are kept this long (feed events: FEED_RETENTION_DAYS). */
  reconRetentionMs: 30 * 86_400_000,
  /**
   * A forgotten id's hash is kept this long, whatever the feed's retention: it
   * is what keeps late news of the id (a webhook retried, a recon file naming
   * it) from making the user known again, and it costs about 100 bytes.
   */
  forgottenRetentionMs: 90 * 86_400_000,
  /** Old events deleted per transaction, and transactions per cron run (10,000 events a run). */
  pruneChunk: 2_000,
  pruneChunks: 5,
  /**
   * A user PayPay never spoke about (only notifications named them: maybe forged)
   * is deleted, with its KV copy, this long after the last notification...
   */
  unconfirmedUserRetentionMs: 7 * 86_400_000,
  /** ...at most this many per cron run (each is a KV delete). */
  unconfirmedPrunePerRun: 200,
} as const;
