import { html, nothing, type TemplateResult } from 'lit';
import type { DoctorRow } from '../api';
import { ConsolePage, failureText } from '../light-element';

/** Doctor: GET /v1/doctor from a button, its rows as `paypay-kyc doctor` prints them. */
export class DoctorPage extends ConsolePage {
  static override properties = {
    ...ConsolePage.properties,
    rows: { state: true },
    requestId: { state: true },
    error: { state: true },
    running: { state: true },
  };
  declare rows: DoctorRow[] | null;
  declare requestId: string | null;
  declare error: unknown;
  declare running: boolean;

  constructor() {
    super();
    this.rows = null;
    this.requestId = null;
    this.error = null;
    this.running = false;
  }

  async run(): Promise<void> {
    this.running = true;
    this.error = null;
    try {
      const answer = await this.api.doctor();
      this.rows = answer.checks;
      this.requestId = answer.requestId ?? null;
    } catch (error) {
      this.error = error;
    } finally {
      this.running = false;
    }
  }

  override render(): TemplateResult {
    const t = this.t;
    const failed = this.rows?.filter((r) => !r.ok).length ?? 0;
    return html`<h1>${t.doctor}</h1>
      <p>${t.doctorIntro}</p>
      <div class="toolbar">
        <button type="button" ?disabled=${this.running} @click=${() => this.run()}>
          ${t.runDoctor}
        </button>
      </div>
      ${this.running ? html`<p role="status">${t.loading}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${failureText(t, this.error)}</p>` : nothing}
      ${
        this.rows
          ? html`<p role="status" class=${failed ? 'bad' : 'good'}>
                ${t.checksSummary(this.rows.length, failed)}${
                  this.requestId ? ` (${t.requestId}: ${this.requestId})` : ''
                }
              </p>
              <table class="doctor">
                <caption class="visually-hidden">
                  ${t.doctor}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t.result}</th>
                    <th scope="col">${t.check}</th>
                    <th scope="col">${t.detail}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.rows.map(
                    (r) =>
                      html`<tr data-check=${r.check}>
                        <td class=${r.ok ? 'good' : 'bad'}>${r.ok ? t.ok : t.fail}</td>
                        <th scope="row"><code>${r.check}</code></th>
                        <td>
                          ${r.detail}${
                            r.requestId
                              ? html` <span class="muted">PayPay request id: ${r.requestId}</span>`
                              : nothing
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : nothing
      }`;
  }
}
