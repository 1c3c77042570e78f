import { html, nothing, type TemplateResult } from 'lit';
import type { MetricsAnswer, ReconDayState } from '../../shared/metrics';
import { barTable, columnChart } from '../charts';
import { ConsolePage, failureText } from '../light-element';
import {
  byLabel,
  completionLabels,
  funnelOf,
  reconFileTypes,
  seriesOf,
  totalOf,
} from '../metrics-view';

/** The periods the overview offers: hours back from now, and the step that reads well. */
const PERIODS = [
  { key: 'last24h', hours: 24, step: 'hour' },
  { key: 'last7d', hours: 24 * 7, step: 'day' },
  { key: 'last30d', hours: 24 * 30, step: 'day' },
  { key: 'last90d', hours: 24 * 90, step: 'day' },
] as const;
type PeriodKey = (typeof PERIODS)[number]['key'];

const RECON_MARK: Record<ReconDayState, string> = {
  received: '✓',
  late: '!',
  missing: '✕',
  pending: '…',
};

/** Overview: the period's funnel, series, failures, recon calendar; now's users and expiries. */
export class OverviewPage extends ConsolePage {
  static override properties = {
    ...ConsolePage.properties,
    period: { state: true },
    answer: { state: true },
    error: { state: true },
  };
  declare period: PeriodKey;
  declare answer: MetricsAnswer | null;
  declare error: unknown;

  constructor() {
    super();
    this.period = 'last7d';
    this.answer = null;
    this.error = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    const period = PERIODS.find((p) => p.key === this.period) ?? PERIODS[1];
    const to = new Date();
    const from = new Date(to.getTime() - period.hours * 3600_000);
    this.error = null;
    try {
      this.answer = await this.api.metrics(from, to, period.step);
    } catch (error) {
      this.error = error;
    }
  }

  private choose(event: Event): void {
    this.period = (event.target as HTMLSelectElement).value as PeriodKey;
    this.answer = null;
    void this.load();
  }

  override render(): TemplateResult {
    const t = this.t;
    return html`<h1>${t.overview}</h1>
      <div class="toolbar">
        <label
          >${t.period}
          <select @change=${this.choose} .value=${this.period}>
            ${PERIODS.map(
              (p) =>
                html`<option value=${p.key} ?selected=${p.key === this.period}>
                  ${t[p.key]}
                </option>`,
            )}
          </select>
        </label>
      </div>
      ${
        this.error
          ? html`<p class="error" role="alert">${failureText(t, this.error)}</p>`
          : this.answer
            ? this.body(this.answer)
            : html`<p role="status">${t.loading}</p>`
      }`;
  }

  private body(answer: MetricsAnswer): TemplateResult {
    const t = this.t;
    const c = answer.counters;
    const completed = seriesOf(c, 'sessions.completed').map((p) => ({
      label: answer.step === 'day' ? this.day(p.at) : this.when(p.at),
      value: p.value,
    }));
    const funnel = funnelOf(c).map(([step, value]) => ({ label: t[step], value }));
    const failures = byLabel(c, 'sessions.failed').map(([reason, value]) => ({
      label: reason || '-',
      value,
      tone: 'bad' as const,
    }));
    const hist = answer.completionSeconds;
    const histogram = completionLabels(hist.buckets).map((l, i) => ({
      label: l,
      value: hist.counts[i] ?? 0,
    }));
    const forwards = [
      { label: t.delivered, value: totalOf(c, 'forwards:delivered'), tone: 'good' as const },
      { label: t.retried, value: totalOf(c, 'forwards:retried'), tone: 'warn' as const },
      { label: t.failed, value: totalOf(c, 'forwards:failed'), tone: 'bad' as const },
    ];
    const standings = Object.entries(answer.now.usersByStanding)
      .sort((a, b) => b[1] - a[1])
      .map(([standing, value]) => ({
        label: standing,
        value,
        tone: standing === 'OK' ? ('good' as const) : ('warn' as const),
      }));
    return html`<div class="grid">
      <section class="card wide" aria-labelledby="h-funnel">
        <h2 id="h-funnel">${t.funnel}</h2>
        <ol class="funnel">
          ${funnel.map(
            (f) =>
              html`<li data-step=${f.label}>
                <span class="funnel-label">${f.label}</span>
                <span class="funnel-value">${f.value}</span>
              </li>`,
          )}
        </ol>
      </section>
      <section class="card wide" aria-labelledby="h-series">
        <h2 id="h-series">${answer.step === 'hour' ? t.perHour : t.perDay}</h2>
        ${columnChart(completed, answer.step === 'hour' ? t.perHour : t.perDay, t)}
      </section>
      <section class="card" aria-labelledby="h-failures">
        <h2 id="h-failures">${t.failures}</h2>
        ${barTable(failures, t.failures, t, t.noFailures)}
      </section>
      <section class="card" aria-labelledby="h-ttc">
        <h2 id="h-ttc">${t.timeToComplete}</h2>
        ${columnChart(histogram, t.timeToComplete, t, t.count, t.timeToComplete)}
      </section>
      <section class="card wide" aria-labelledby="h-recon">
        <h2 id="h-recon">${t.reconCalendar}</h2>
        ${this.recon(answer)}
      </section>
      <section class="card" aria-labelledby="h-forwarding">
        <h2 id="h-forwarding">${t.forwarding}</h2>
        ${barTable(forwards, t.forwarding, t)}
      </section>
      <section class="card" aria-labelledby="h-standing">
        <h2 id="h-standing">${t.standing}</h2>
        ${barTable(standings, t.standing, t, t.noUsers)}
        <h3>${t.expiring}</h3>
        <dl class="pairs">
          <dt>${t.in7days}</dt>
          <dd data-expiring="7">${answer.now.authorizationsExpiring.days7}</dd>
          <dt>${t.in30days}</dt>
          <dd data-expiring="30">${answer.now.authorizationsExpiring.days30}</dd>
        </dl>
      </section>
    </div>`;
  }

  /** The recon calendar: a day a row, a file type a column, each cell coloured and marked. */
  private recon(answer: MetricsAnswer): TemplateResult {
    const t = this.t;
    const types = reconFileTypes(answer);
    if (types.length === 0) return html`<p class="muted">${t.noRecon}</p>`;
    const days = [...answer.reconDays].reverse();
    return html`<ul class="legend">
        ${(['received', 'late', 'missing', 'pending'] as const).map(
          (s) =>
            html`<li>
              <span class="cell ${s}" aria-hidden="true">${RECON_MARK[s]}</span>${t[s]}
            </li>`,
        )}
      </ul>
      <div class="scroll">
        <table class="recon">
          <caption class="visually-hidden">
            ${t.reconCalendar}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.day}</th>
              ${types.map((type) => html`<th scope="col">${type}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${days.map(
              (d) =>
                html`<tr>
                  <th scope="row">${d.day}</th>
                  ${types.map((type) => {
                    const state = d.files[type];
                    return state
                      ? html`<td class="cell ${state}" data-recon=${`${d.day}/${type}`}>
                          <span aria-hidden="true">${RECON_MARK[state]}</span>
                          <span class="cell-text">${t[state]}</span>
                        </td>`
                      : html`<td>${nothing}-</td>`;
                  })}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private day(iso: string): string {
    return new Intl.DateTimeFormat(this.lang === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone: 'Asia/Tokyo',
      month: 'short',
      day: 'numeric',
    }).format(new Date(iso));
  }
}
