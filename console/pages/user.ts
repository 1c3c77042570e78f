import { html, nothing, type TemplateResult } from 'lit';
import type { UserState } from '../../shared/feed';
import { ConsolePage, failureText } from '../light-element';

/**
 * User: one user's state, looked up by userAuthorizationId, and forget behind a
 * confirmation. GET /v1/users takes that id only: a referenceId lookup waits
 * for a route that finds a user by it.
 */
export class UserPage extends ConsolePage {
  static override properties = {
    ...ConsolePage.properties,
    state: { state: true },
    error: { state: true },
    forgotten: { state: true },
  };
  declare state: UserState | null;
  declare error: unknown;
  declare forgotten: string | null;

  constructor() {
    super();
    this.state = null;
    this.error = null;
    this.forgotten = null;
  }

  private async lookUp(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const id = new FormData(event.target as HTMLFormElement).get('id')?.toString().trim() ?? '';
    if (!id) return;
    this.state = null;
    this.error = null;
    this.forgotten = null;
    try {
      this.state = await this.api.user(id);
    } catch (error) {
      this.error = error;
    }
  }

  private dialog(): HTMLDialogElement | null {
    return this.querySelector('dialog');
  }

  private async forget(): Promise<void> {
    this.dialog()?.close();
    if (!this.state) return;
    try {
      const answer = await this.api.forget(this.state.userAuthorizationId);
      this.forgotten = `${this.t.forgetting}: ${answer.status} (${this.t.requestId}: ${answer.requestId})`;
    } catch (error) {
      this.forgotten = failureText(this.t, error);
    }
  }

  override render(): TemplateResult {
    const t = this.t;
    return html`<h1>${t.user}</h1>
      <form class="toolbar" @submit=${this.lookUp} role="search">
        <label for="user-id">${t.userId}</label>
        <input id="user-id" name="id" required autocomplete="off" spellcheck="false" />
        <button type="submit">${t.lookUp}</button>
      </form>
      <p class="muted">${t.userIdHint}</p>
      ${
        this.error
          ? html`<p class="error" role="alert">
              ${
                (this.error as { status?: number }).status === 404
                  ? t.notFound
                  : failureText(t, this.error)
              }
            </p>`
          : nothing
      }
      ${this.state ? this.view(this.state) : nothing}`;
  }

  private view(s: UserState): TemplateResult {
    const t = this.t;
    const a = s.authorization;
    const recent = [
      ...(s.kyc?.recent.map((r) => ({ ...r, kind: 'kyc' })) ?? []),
      ...(s.risk?.recent.map((r) => ({ ...r, kind: 'risk' })) ?? []),
      ...(s.accountStatus?.recent.map((r) => ({ ...r, kind: 'account-status' })) ?? []),
    ].sort((x, y) => y.at.localeCompare(x.at));
    return html`<section class="card" aria-labelledby="h-user">
        <h2 id="h-user"><code>${s.userAuthorizationId}</code></h2>
        <dl class="pairs">
          <dt>${t.userStanding}</dt>
          <dd data-standing class=${s.standing?.value === 'OK' ? 'good' : 'warn'}>
            ${s.standing?.value ?? '-'}
          </dd>
          <dt>${t.verifiedAt}</dt>
          <dd>${this.when(s.verifiedAt)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="h-auth">
        <h2 id="h-auth">${t.authorization}</h2>
        ${
          a
            ? html`<dl class="pairs">
                <dt>${t.status}</dt>
                <dd>${a.status ?? '-'}</dd>
                <dt>${t.scopes}</dt>
                <dd>${a.scopes?.join(', ') ?? '-'}</dd>
                <dt>${t.expiresAt}</dt>
                <dd>${this.when(a.expiresAt)}</dd>
                <dt>${t.referenceId}</dt>
                <dd>${a.referenceId ?? '-'}</dd>
              </dl>`
            : html`<p class="muted">-</p>`
        }
      </section>
      <section class="card" aria-labelledby="h-events">
        <h2 id="h-events">${t.events}</h2>
        ${
          recent.length === 0
            ? html`<p class="muted">${t.none}</p>`
            : html`<ul class="events">
                ${recent.map(
                  (r) =>
                    html`<li>
                      <span>${this.when(r.at)}</span> <span class="badge">${r.kind}</span>
                      <code>${r.eventId}</code>
                    </li>`,
                )}
              </ul>`
        }
      </section>
      <section class="card danger" aria-labelledby="h-forget">
        <h2 id="h-forget">${t.forget}</h2>
        <button type="button" class="danger" @click=${() => this.dialog()?.showModal()}>
          ${t.forget}
        </button>
        <p role="status">${this.forgotten ?? ''}</p>
        <dialog aria-labelledby="forget-title" aria-describedby="forget-text">
          <h2 id="forget-title">${t.forget}</h2>
          <p id="forget-text">${t.forgetConfirm}</p>
          <p><code>${s.userAuthorizationId}</code></p>
          <div class="actions">
            <button type="button" autofocus @click=${() => this.dialog()?.close()}>
              ${t.cancel}
            </button>
            <button type="button" class="danger" data-confirm @click=${() => this.forget()}>
              ${t.forget}
            </button>
          </div>
        </dialog>
      </section>`;
  }
}
