// The floor of the webhook and feed figures: what the same storage work costs
// with nothing else. A notification is one INSERT ... ON CONFLICT DO NOTHING in
// the object (reached as ours is: the Worker calls it by RPC and answers 200);
// a feed page is one SELECT ... WHERE seq > ? ORDER BY seq LIMIT ?, as JSON.
// The table is our `events` table with its indexes, so each insert writes the
// same rows and index entries. `POST /seed` (bench only) bulk-inserts rows.
import { DurableObject } from 'cloudflare:workers';

const TYPES = {
  'kyc_passport.kyc_info.updated': ['kyc.updated', 'kyc'],
  'kyc_passport.risk.update': ['risk.flagged', 'risk'],
  'kyc_passport.account_status.updated': ['account_status.updated', 'account-status'],
};

export class FloorFeed extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, kind TEXT, uaid TEXT,
      occurred_at INTEGER NOT NULL, source TEXT NOT NULL, notification_id TEXT UNIQUE,
      dedupe_key TEXT UNIQUE, data TEXT NOT NULL DEFAULT '{}')`);
    this.sql.exec('CREATE INDEX IF NOT EXISTS events_by_user ON events (uaid, kind, occurred_at)');
    this.sql.exec('CREATE INDEX IF NOT EXISTS events_by_time ON events (occurred_at)');
  }

  record(type, kind, uaid, at, notificationId) {
    this.sql.exec(
      `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id)
       VALUES (?, ?, ?, ?, 'webhook', ?) ON CONFLICT DO NOTHING`,
      type,
      kind,
      uaid,
      at,
      notificationId,
    );
  }

  /** One page as a JSON string: one value across RPC is the cheapest way to ship it. */
  page(after, limit) {
    const events = this.sql
      .exec('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?', after, limit)
      .toArray();
    return JSON.stringify({ events, cursor: String(events.at(-1)?.seq ?? after) });
  }

  seed(rows) {
    this.ctx.storage.transactionSync(() => {
      for (const r of rows) {
        this.sql.exec(
          `INSERT INTO events (type, kind, uaid, occurred_at, source, notification_id, dedupe_key, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          r.type,
          r.kind ?? null,
          r.uaid ?? null,
          r.occurredAt,
          r.source,
          r.notificationId ?? null,
          r.dedupeKey ?? null,
          JSON.stringify(r.data ?? {}),
        );
      }
    });
    return this.sql.exec('SELECT COUNT(*) AS n FROM events').one().n;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const feed = env.FEED.get(env.FEED.idFromName('feed'));
    if (request.method === 'POST' && url.pathname.startsWith('/webhook')) {
      const body = await request.json();
      const [type, kind] = TYPES[body.notification_type];
      await feed.record(type, kind, body.user_authorization_id, Date.now(), body.notification_id);
      return new Response('OK');
    }
    if (request.method === 'GET' && url.pathname === '/events') {
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return new Response(await feed.page(after, limit), {
        headers: { 'Content-Type': 'application/json' },
      });
    }
    if (request.method === 'POST' && url.pathname === '/seed') {
      return Response.json({ events: await feed.seed(await request.json()) });
    }
    if (url.pathname === '/healthz') return new Response('OK');
    return new Response('Not found', { status: 404 });
  },
};
