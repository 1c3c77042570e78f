/**
 * `GET /v1/users?referenceId=`'s read of one feed shard: the users whose
 * PayPay authorization carries that referenceId (`users.reference_id`, v4;
 * who gave it, `reference_id_mode`, v5), by the index of migration v7. A
 * forgotten user's row no longer holds a referenceId, so it is never found.
 */
export interface ReferenceMatch {
  uaid: string;
  /** `merchant` only when the merchant's server gave it; anything else reads as `public`. */
  referenceIdMode: 'public' | 'merchant';
  /** Epoch ms of the last verification through this Worker; null if none. */
  verifiedAt: number | null;
  standing: string | null;
}

/** The shard's matches, newest verification first, at most `limit`, and how many match in all. */
export function usersByReference(
  sql: SqlStorage,
  referenceId: string,
  limit: number,
): { rows: ReferenceMatch[]; count: number } {
  const rows = sql
    .exec<{
      uaid: string;
      reference_id_mode: string | null;
      verified_at: number | null;
      standing: string | null;
    }>(
      `SELECT uaid, reference_id_mode, verified_at, standing FROM users
       WHERE reference_id = ? ORDER BY verified_at IS NULL, verified_at DESC, uaid LIMIT ?`,
      referenceId,
      limit,
    )
    .toArray()
    .map((row): ReferenceMatch => ({
      uaid: row.uaid,
      referenceIdMode: row.reference_id_mode === 'merchant' ? 'merchant' : 'public',
      verifiedAt: row.verified_at,
      standing: row.standing,
    }));
  const count =
    rows.length < limit
      ? rows.length
      : sql
          .exec<{ n: number }>(
            'SELECT COUNT(*) AS n FROM users WHERE reference_id = ?',
            referenceId,
          )
          .one().n;
  return { rows, count };
}
