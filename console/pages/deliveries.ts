import { html, type TemplateResult } from 'lit';
import type { Delivery } from '../api';
import { ConsolePage, failureText } from '../light-element';

/** Deliveries: the forwarding outbox's failed and pending events, each with a resend. */
export class DeliveriesPage extends ConsolePage {
  static override properties = {
    ...ConsolePage.properties,
    failed: { state: true },
    pending: { state: true },
    error: { state: true },
    resent: { state: true },
  };
  declare failed: Delivery[] | null;
  declare pending: Delivery[] | null;
  declare error: unknown;
  /** Event ids resent from this page, with what the Worker answered. */
  declare resent: Map<string, string>;

  constructor() {
    super();
    this.failed = null;
    this.pending = null;
    this.error = null;
    this.resent = new Map();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(): Promise<void> {
    this.error = null;
    try {
      [this.failed, this.pending] = await Promise.all([
        this.api.deliveries('failed'),
        this.api.deliveries('pending'),
      ]);
    } catch (error) {
      this.error = error;
    }
  }

  private async resend(delivery: Delivery): Promise<void> {
    let outcome: string;
    try {
      await this.api.resend(delivery.eventId);
      outcome = this.t.resent;
    } catch (error) {
      outcome = failureText(this.t, error);
    }
    this.resent = new Map(this.resent).set(delivery.eventId, outcome);
  }

  override render(): TemplateResult {
    const t = this.t;
    return html`<h1>${t.deliveries}</h1>
      <div class="toolbar">
        <button type="button" @click=${() => this.load()}>${t.refresh}</button>
      </div>
      ${
        this.error
          ? html`<p class="error" role="alert">${failureText(t, this.error)}</p>`
          : this.failed && this.pending
            ? html`${this.list('failed', t.failedForwards, this.failed)}
              ${this.list('pending', t.pendingForwards, this.pending)}`
            : html`<p role="status">${t.loading}</p>`
      }`;
  }

  private list(id: string, heading: string, rows: Delivery[]): TemplateResult {
    const t = this.t;
    return html`<section class="card" aria-labelledby="h-${id}">
      <h2 id="h-${id}">${heading} <span class="badge">${rows.length}</span></h2>
      ${
        rows.length === 0
          ? html`<p class="muted">${t.none}</p>`
          : html`<ul class="rows" data-list=${id}>
              ${rows.map((d) => this.row(d))}
            </ul>`
      }
    </section>`;
  }

  /** One delivery as a small card: a table would not fit a phone's width. */
  private row(d: Delivery): TemplateResult {
    const t = this.t;
    const outcome = this.resent.get(d.eventId);
    return html`<li class="row" data-event=${d.eventId}>
      <dl class="pairs">
        <dt>${t.event}</dt>
        <dd><code>${d.eventId}</code></dd>
        <dt>${t.type}</dt>
        <dd>${d.type}</dd>
        <dt>${t.occurred}</dt>
        <dd>${this.when(d.occurredAt)}</dd>
        <dt>${t.attempts}</dt>
        <dd>${d.attempts}</dd>
        <dt>${t.lastError}</dt>
        <dd>${d.lastError ?? '-'}</dd>
        <dt>${t.nextAttempt}</dt>
        <dd>${this.when(d.nextAttemptAt)}</dd>
      </dl>
      <div class="actions">
        <button
          type="button"
          aria-label="${t.resend} ${d.eventId}"
          ?disabled=${outcome === t.resent}
          @click=${() => this.resend(d)}
        >
          ${t.resend}
        </button>
        <span role="status">${outcome ?? ''}</span>
      </div>
    </li>`;
  }
}
