/**
 * What `GET /v1/metrics` reads of a feed shard: counts only, never an id.
 * `reconFrom`/`reconTo` (JST days, inclusive) ask for the recon files too,
 * which only the home shard keeps.
 */
export interface ShardMetrics {
  usersByStanding: Record<string, number>;
  expiring: { days7: number; days30: number };
  /** Every recon file type this shard ever recorded: the types the merchant receives. */
  reconTypes: string[];
  /** The files that cover a day of the range: type, last day covered, when they arrived. */
  reconFiles: { fileType: string; periodTo: string; receivedAt: number }[];
}

const DAY_MS = 86_400_000;

/** A user without a re-read yet has no standing: counted as `UNCHECKED`. */
export function shardMetrics(
  sql: SqlStorage,
  now: number,
  recon: { from: string; to: string } | null,
): ShardMetrics {
  const usersByStanding: Record<string, number> = {};
  for (const row of sql.exec<{ standing: string; n: number }>(
    `SELECT COALESCE(standing, 'UNCHECKED') AS standing, COUNT(*) AS n FROM users
     WHERE forget_requested_at IS NULL GROUP BY 1`,
  ))
    usersByStanding[row.standing] = row.n;
  const expiringWithin = (days: number) =>
    sql
      .exec<{ n: number }>(
        'SELECT COUNT(*) AS n FROM users WHERE auth_expires_at > ? AND auth_expires_at <= ?',
        now,
        now + days * DAY_MS,
      )
      .one().n;
  const expiring = { days7: expiringWithin(7), days30: expiringWithin(30) };
  if (recon === null) return { usersByStanding, expiring, reconTypes: [], reconFiles: [] };
  const reconTypes = sql
    .exec<{ file_type: string }>('SELECT DISTINCT file_type FROM recon_files ORDER BY 1')
    .toArray()
    .map((row) => row.file_type);
  const reconFiles = sql
    .exec<{ file_type: string; period_to: string; received_at: number }>(
      `SELECT file_type, period_to, received_at FROM recon_files
       WHERE period_to >= ? AND period_from <= ?`,
      recon.from,
      recon.to,
    )
    .toArray()
    .map((row) => ({
      fileType: row.file_type,
      periodTo: row.period_to,
      receivedAt: row.received_at,
    }));
  return { usersByStanding, expiring, reconTypes, reconFiles };
}
