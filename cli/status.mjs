// `paypay-kyc status`: the console's overview in a terminal, from GET /v1/metrics
// (bearer; MetricsAnswer of shared/metrics.ts): the funnel, verifications per
// day as sparklines, failure reasons, the recon calendar, forwarding, users by
// standing and authorizations expiring soon.
import {
  UsageError,
  WORKER_OPTIONS,
  bearerEndpointOf,
  call,
  parse,
  tokenOf,
  workerRefused,
} from './common.mjs';

export const summary =
  "a Worker's overview: funnel, sparklines, recon, forwarding (GET /v1/metrics)";

export const usage = `Usage: paypay-kyc status --endpoint <Worker URL> [--days <n>] [--json]

Prints the overview the console shows: the verification funnel over the last
--days days, verifications per day as sparklines, failure reasons, which days'
recon files came (late, missing), forwarding, users by standing, and
authorizations expiring in 7 and 30 days.

  --endpoint <url>    the Worker, local or deployed (env PAYPAY_KYC_ENDPOINT)
  --token <token>     the merchant bearer; better in the env MERCHANT_API_TOKEN
  --days <n>          the period, in days up to now, 1-400 (default 7)
  --json              the Worker's answer (GET /v1/metrics) as it is
  --help              this text

Exit status: 0 done, 2 could not run (unreachable, 401).`;

const DAY_MS = 86_400_000;
const BARS = '▁▂▃▄▅▆▇█';
const FUNNEL = ['created', 'shown', 'authorized', 'completed', 'failed', 'expired'];
const RECON_MARK = { received: '■', late: '▲', missing: '✗', pending: '·' };

export async function run(argv) {
  const options = { ...WORKER_OPTIONS, days: { type: 'string' } };
  const { values } = parse(argv, options, usage);
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const origin = bearerEndpointOf(values, usage);
  const days = daysOf(values.days);
  const headers = { Authorization: `Bearer ${tokenOf(values)}` };
  const to = new Date();
  const from = new Date(to.getTime() - days * DAY_MS);
  const query = new URLSearchParams({
    from: from.toISOString(),
    to: to.toISOString(),
    step: 'day',
  });
  const answer = await call(`${origin}/v1/metrics?${query}`, { headers });
  if (answer.status !== 200 || typeof answer.body?.counters !== 'object') {
    throw workerRefused(origin, answer);
  }
  console.log(values.json ? JSON.stringify(answer.body, null, 2) : overview(answer.body));
  return 0;
}

/** The overview as text: one section per concern, numbers right-aligned. */
export function overview(metrics) {
  const counters = metrics.counters ?? {};
  const sum = (prefix) => sumOf(counters, prefix);
  const out = [periodOf(metrics), ''];
  out.push('Verifications');
  for (const step of FUNNEL) {
    const points = seriesOf(counters, `sessions.${step}`);
    out.push(
      `  ${step.padEnd(11)} ${String(sum(`sessions.${step}`)).padStart(7)}  ${sparkline(points)}`,
    );
  }
  const reasons = labelsOf(counters, 'sessions.failed').sort((a, b) => b[1] - a[1]);
  out.push('', 'Failure reasons');
  if (reasons.length === 0) out.push('  none');
  for (const [label, n] of reasons) out.push(`  ${label.padEnd(28)} ${String(n).padStart(7)}`);
  out.push(
    '',
    `Recon files  (${Object.entries(RECON_MARK)
      .map(([k, m]) => `${m} ${k}`)
      .join('  ')})`,
  );
  out.push(...reconCalendar(metrics.reconDays ?? []));
  out.push('', 'Forwarding');
  for (const label of ['delivered', 'retried', 'failed']) {
    out.push(`  ${label.padEnd(11)} ${String(sum(`forwards:${label}`)).padStart(7)}`);
  }
  out.push('', 'Users by standing');
  const standings = Object.entries(metrics.now?.usersByStanding ?? {}).sort((a, b) => b[1] - a[1]);
  if (standings.length === 0) out.push('  none');
  for (const [standing, n] of standings)
    out.push(`  ${standing.padEnd(28)} ${String(n).padStart(7)}`);
  const expiring = metrics.now?.authorizationsExpiring ?? { days7: 0, days30: 0 };
  out.push('', 'Authorizations expiring');
  out.push(`  in 7 days   ${String(expiring.days7).padStart(7)}`);
  out.push(`  in 30 days  ${String(expiring.days30).padStart(7)}`);
  return out.join('\n');
}

function periodOf(metrics) {
  return `From ${metrics.from} to ${metrics.to}, by ${metrics.step}`;
}

/** One bar per point, scaled to the series' largest; a flat line of ▁ for none. */
export function sparkline(points) {
  const top = Math.max(0, ...points);
  return points
    .map((n) => (top === 0 ? BARS[0] : BARS[Math.min(7, Math.round((n / top) * 7))]))
    .join('');
}

/** Counters named `name` or `name:<label>`, summed point by point. */
function seriesOf(counters, name) {
  let series = [];
  for (const [key, points] of Object.entries(counters)) {
    if (key !== name && !key.startsWith(`${name}:`)) continue;
    series = points.map((point, i) => (series[i] ?? 0) + point.value);
  }
  return series;
}

/** The total of counters named `prefix` (a name, or `name:label`), and of its labels. */
function sumOf(counters, prefix) {
  let total = 0;
  for (const [key, points] of Object.entries(counters)) {
    if (key !== prefix && !key.startsWith(`${prefix}:`)) continue;
    for (const point of points) total += point.value;
  }
  return total;
}

/** `[label, total]` of each `name:label` counter. */
function labelsOf(counters, name) {
  return Object.keys(counters)
    .filter((key) => key.startsWith(`${name}:`))
    .map((key) => [key.slice(name.length + 1), sumOf(counters, key)]);
}

/** A row per file type, a mark per day, the days' dates above. */
function reconCalendar(reconDays) {
  if (reconDays.length === 0) return ['  no recon days in the period'];
  const types = [...new Set(reconDays.flatMap((day) => Object.keys(day.files)))].sort();
  if (types.length === 0) return ['  no recon files received'];
  const width = Math.max(...types.map((type) => type.length));
  const rows = [`  ${''.padEnd(width)} ${reconDays[0].day} → ${reconDays.at(-1).day}`];
  for (const type of types) {
    const marks = reconDays.map((day) => RECON_MARK[day.files[type]] ?? ' ').join('');
    rows.push(`  ${type.padEnd(width)} ${marks}`);
  }
  return rows;
}

function daysOf(text) {
  if (text === undefined) return 7;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 400) {
    throw new UsageError('--days must be an integer from 1 to 400.', usage);
  }
  return value;
}
