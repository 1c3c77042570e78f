import { env } from 'cloudflare:workers';
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { devKeyObject, receiptLog } from '../../../worker/receipts/stub';
import { entryOf, idOf } from './entries';

// The receipt log (issue 23): one object per month, entries kept until their
// keepUntil, and the development signing key.

function logOf(id: string) {
  const stub = receiptLog(env, id);
  if (stub === null) throw new Error(`not a receipt id: ${id}`);
  return stub;
}

/** The tables of an object's SQLite, ours and the migrations' ledger. */
function tablesOf(id: string): Promise<string[]> {
  return runInDurableObject(logOf(id), (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .toArray()
      .map((row) => row.name)
      .filter((name) => !name.startsWith('_cf_')),
  );
}

function idsIn(id: string): Promise<string[]> {
  return runInDurableObject(logOf(id), (_instance, state) =>
    state.storage.sql
      .exec<{ id: string }>('SELECT id FROM receipts ORDER BY id')
      .toArray()
      .map((row) => row.id),
  );
}

describe('the receipt log', () => {
  it('records an entry and reads it back whole', async () => {
    const entry = entryOf(idOf('202607'));
    expect(await logOf(entry.id).record(entry)).toEqual({ ok: true, value: true });
    expect(await logOf(entry.id).read(entry.id)).toEqual(entry);
  });

  it('keeps the first entry of an id recorded twice', async () => {
    const first = entryOf(idOf('202607'));
    const second = { ...entryOf(first.id), digest: 'y'.repeat(43), kid: null };
    await logOf(first.id).record(first);
    expect(await logOf(first.id).record(second)).toEqual({ ok: true, value: true });
    expect(await logOf(first.id).read(first.id)).toEqual(first);
  });

  it('answers null for an id it never recorded, and a never-used month keeps no storage', async () => {
    const known = entryOf(idOf('202607'));
    await logOf(known.id).record(known);
    expect(await logOf(known.id).read(idOf('202607'))).toBeNull();
    const unused = idOf('209912');
    expect(await logOf(unused).read(unused)).toBeNull();
    expect(await tablesOf(unused)).toEqual([]);
  });

  it('sets its alarm to the earliest keepUntil', async () => {
    const later = entryOf(idOf('203001'), 30);
    const sooner = entryOf(idOf('203001'), 10);
    await logOf(later.id).record(later);
    await logOf(sooner.id).record(sooner);
    await logOf(later.id).record(entryOf(idOf('203001'), 20));
    const alarm = await runInDurableObject(logOf(later.id), (_i, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).toBe(Date.parse(sooner.keepUntil));
  });

  it('deletes an entry past its keepUntil in its alarm and keeps a live one', async () => {
    const live = entryOf(idOf('203002'), 1);
    const expired = entryOf(idOf('203002'), -1);
    await logOf(live.id).record(live);
    await logOf(live.id).record(expired);
    // Past its keepUntil, it is not answered even before the alarm deletes it.
    expect(await logOf(expired.id).read(expired.id)).toBeNull();
    // The alarm is due at once: it may have run already; this runs it if not.
    await runDurableObjectAlarm(logOf(live.id));
    expect(await idsIn(live.id)).toEqual([live.id]);
    expect(await logOf(live.id).read(live.id)).toEqual(live);
    const alarm = await runInDurableObject(logOf(live.id), (_i, state) => state.storage.getAlarm());
    expect(alarm).toBe(Date.parse(live.keepUntil));
  });

  it('leaves nothing behind once a month is emptied, and records again after', async () => {
    const expired = entryOf(idOf('203003'), -1);
    await logOf(expired.id).record(expired);
    expect(await tablesOf(expired.id)).toContain('receipts');
    await runDurableObjectAlarm(logOf(expired.id));
    expect(await tablesOf(expired.id)).toEqual([]);
    expect(await logOf(expired.id).read(expired.id)).toBeNull();
    const next = entryOf(idOf('203003'));
    await logOf(next.id).record(next);
    expect(await logOf(next.id).read(next.id)).toEqual(next);
  });
});

describe('the development key', () => {
  it('is made once and the same ever after, across a restart of its object', async () => {
    const first = await devKeyObject(env).devKey();
    expect(first).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(first.x).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.kid).toBe(`dev-${first.x.slice(0, 8)}`);
    expect(await devKeyObject(env).devKey()).toEqual(first);
    await evictDurableObject(devKeyObject(env));
    expect(await devKeyObject(env).devKey()).toEqual(first);
  });

  it('is one key when two first calls come at once', async () => {
    const fresh = env.RECEIPT_LOG.get(env.RECEIPT_LOG.idFromName('dev-key-concurrent'));
    const [a, b] = await Promise.all([fresh.devKey(), fresh.devKey()]);
    expect(a).toEqual(b);
  });
});
