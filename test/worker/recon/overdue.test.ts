import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { jstDay, jstDayStart } from '../../../worker/recon/period';
import { cron, feed, uid } from '../support/webhooks';

// Issue 24: a recon file that never came is an event, with the clock injected.
// Each test is on its own day, months from the others (and from real time), so
// the files it records are the only ones "received in the last 30 days".

const MIN = 60_000;
const DAY = 86_400_000;
const KYC = 'kyc_passport_sync_recon';
const RISK = 'kyc_passport_risk_sync_recon';
const DEFAULT_BY = 10 * 60 + 30;

/** `hh:mm` JST on `day`, as an instant. */
const at = (day: string, hh: number, mm: number) => jstDayStart(day) + (hh * 60 + mm) * MIN;
const dayBefore = (day: string) => jstDay(jstDayStart(day) - DAY);

/** Records a `file.created` of `fileType` for the JST `day`, received at `receivedAt`. */
async function fileFor(fileType: string, day: string, receivedAt: number): Promise<number> {
  const compact = day.replaceAll('-', '');
  const { value } = await feed().recordRecon({
    notificationId: uid('file'),
    fileType: fileType as typeof KYC,
    path: `https://sandbox.test/${fileType}_M1_${compact}_${compact}.csv`,
    requestedAt: receivedAt,
    period: { from: day, to: day },
    receivedAt,
    // Refused, so nothing is downloaded: the file's arrival is what counts here.
    refused: 'TEST_NOT_DOWNLOADED',
  });
  // How many overdue days it closed: what the ingest counts as recon.files:late.
  return value.late;
}

/** The overdue and late events about `day`. */
function eventsAbout(day: string) {
  return runInDurableObject(feed(), (_object, state) =>
    state.storage.sql
      .exec<{ type: string; data: string; source: string; uaid: string | null }>(
        `SELECT type, data, source, uaid FROM events
         WHERE type IN ('recon.overdue', 'recon.arrived_late') AND data ->> 'day' = ? ORDER BY seq`,
        day,
      )
      .toArray()
      .map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> })),
  );
}

describe('recon.overdue and recon.arrived_late', () => {
  it('reports a received type missing after 10:30 JST once, then its late arrival once', async () => {
    const today = '2031-03-10';
    const yesterday = dayBefore(today);
    // The merchant receives kyc files (one came a week ago), never risk files.
    await fileFor(KYC, '2031-03-02', at('2031-03-03', 3, 0));

    expect((await feed().reconOverdue(at(today, 10, 29), DEFAULT_BY)).value).toEqual({
      day: yesterday,
      overdue: [],
    });
    expect(await eventsAbout(yesterday)).toEqual([]);

    expect((await feed().reconOverdue(at(today, 10, 31), DEFAULT_BY)).value.overdue).toEqual([KYC]);
    const overdue = {
      type: 'recon.overdue',
      source: 'recon',
      uaid: null,
      data: { fileType: KYC, day: yesterday },
    };
    expect(await eventsAbout(yesterday)).toEqual([overdue]);

    // The next run (and the one after) finds it reported already.
    expect((await feed().reconOverdue(at(today, 10, 32), DEFAULT_BY)).value.overdue).toEqual([]);
    expect((await feed().reconOverdue(at(today, 18, 0), DEFAULT_BY)).value.overdue).toEqual([]);
    expect(await eventsAbout(yesterday)).toEqual([overdue]);

    expect(await fileFor(KYC, yesterday, at(today, 11, 0))).toBe(1);
    const late = { ...overdue, type: 'recon.arrived_late' };
    expect(await eventsAbout(yesterday)).toEqual([overdue, late]);
    // PayPay sending the file again closes nothing twice.
    expect(await fileFor(KYC, yesterday, at(today, 11, 5))).toBe(0);
    expect(await eventsAbout(yesterday)).toEqual([overdue, late]);
    // Risk files were never received: never reported missing.
    expect((await eventsAbout(yesterday)).some((e) => e.data.fileType === RISK)).toBe(false);
  });

  it('says nothing of a file that came in time, nor of types never received', async () => {
    const today = '2031-06-10';
    const yesterday = dayBefore(today);
    await fileFor(KYC, dayBefore(yesterday), at(yesterday, 4, 0));
    await fileFor(KYC, yesterday, at(today, 9, 58));
    expect((await feed().reconOverdue(at(today, 10, 31), DEFAULT_BY)).value.overdue).toEqual([]);
    expect(await eventsAbout(yesterday)).toEqual([]);
    // A file in time is not "late" either.
    await fileFor(KYC, yesterday, at(today, 12, 0));
    expect(await eventsAbout(yesterday)).toEqual([]);
  });

  it('says nothing when no file of any type came in the last 30 days', async () => {
    const today = '2031-09-10';
    const yesterday = dayBefore(today);
    // Received 31 days ago: the merchant no longer receives this type.
    await fileFor(KYC, '2031-08-09', at(today, 10, 31) - 31 * DAY);
    expect((await feed().reconOverdue(at(today, 10, 31), DEFAULT_BY)).value.overdue).toEqual([]);
    expect(await eventsAbout(yesterday)).toEqual([]);
  });

  it('honours RECON_EXPECTED_BY=09:00 in the cron trigger', async () => {
    const today = '2031-12-10';
    const yesterday = dayBefore(today);
    await fileFor(RISK, '2031-12-01', at('2031-12-02', 2, 0));
    // 09:01 is early under the default 10:30...
    await cron(at(today, 9, 1));
    expect(await eventsAbout(yesterday)).toEqual([]);
    // ...and late under 09:00.
    await cron(at(today, 9, 2), { RECON_EXPECTED_BY: '09:00' });
    expect(await eventsAbout(yesterday)).toEqual([
      {
        type: 'recon.overdue',
        source: 'recon',
        uaid: null,
        data: { fileType: RISK, day: yesterday },
      },
    ]);
    await cron(at(today, 9, 3), { RECON_EXPECTED_BY: '09:00' });
    expect(await eventsAbout(yesterday)).toHaveLength(1);
    // Counted for the console once, in the hour the cron found it.
    const hour = Math.floor(at(today, 9, 2) / 3_600_000) * 3_600_000;
    const metrics = env.METRICS.get(env.METRICS.idFromName('metrics'));
    const { counts } = (await metrics.read(hour, hour + 3_600_000)).value;
    expect(counts.filter((c) => c.name === 'recon.files:missing')).toEqual([
      { hour, name: 'recon.files:missing', value: 1 },
    ]);
  });
});
