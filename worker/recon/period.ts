/** A recon file's processing days, JST `yyyy-mm-dd`, inclusive. */
export interface Period {
  from: string;
  to: string;
}

const JST_OFFSET_MS = 9 * 3_600_000;
const DAY_MS = 86_400_000;

/** The JST calendar day of an instant. */
export function jstDay(ms: number): string {
  return new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a JST day starts. */
export function jstDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - JST_OFFSET_MS;
}

/** The instant after a period's last day ends. */
export function periodEnd(period: Period): number {
  return jstDayStart(period.to) + DAY_MS;
}

/**
 * The days a recon file covers. PayPay names files `<prefix>_<id>_<from>_<to>.csv`
 * (yyyymmdd, JST) and lists the users of 00:00:00-23:59:59 JST of those days; a
 * name we cannot read falls back to the JST day before `requestedAt`, since
 * PayPay notifies between 1:30 and 10:00 JST the next morning.
 */
export function periodOf(path: string, requestedAt: number): Period {
  const name = URL.canParse(path) ? (new URL(path).pathname.split('/').pop() ?? '') : '';
  const match = /_(\d{4})(\d{2})(\d{2})_(\d{4})(\d{2})(\d{2})\.csv$/i.exec(name);
  if (match) {
    const from = `${match[1]}-${match[2]}-${match[3]}`;
    const to = `${match[4]}-${match[5]}-${match[6]}`;
    if (
      isDay(from) &&
      isDay(to) &&
      from <= to &&
      jstDayStart(to) - jstDayStart(from) <= 31 * DAY_MS
    )
      return { from, to };
  }
  const day = jstDay(jstDayStart(jstDay(requestedAt)) - DAY_MS);
  return { from: day, to: day };
}

function isDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}
