import { html, nothing, type TemplateResult } from 'lit';
import type { UserState } from '../../shared/feed';
import { UAID_PATTERN } from '../../shared/ids';
import { REFERENCE_ID_PATTERN } from '../../shared/wire';
import type { UserMatch } from '../api';
import { ConsolePage, failureText } from '../light-element';

/** What PayPay's ids look like; anything else is searched as a referenceId first. */
const UUID_LIKE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * User: one user's state, and forget behind a confirmation. Looked up by
 * userAuthorizationId (`GET /v1/users/:id`), or by the merchant's referenceId
 * (`GET /v1/users?referenceId=`): when the toggle asks for it, or when the
 * value is not UUID-like, whose matches are listed to open one. With no match
 * and no toggle, the value is still tried as an id (PayPay's ids are not
 * promised to be UUIDs).
 */
export class UserPage extends ConsolePage {
  static override properties = {
    ...ConsolePage.properties,
    state: { state: true },
    found: { state: true },
    error: { state: true },
    forgotten: { state: true },
  };
  declare state: UserState | null;
  declare found: { users: UserMatch[]; count: number } | null;
  declare error: unknown;
  declare forgotten: string | null;

  constructor() {
    super();
    this.state = null;
    this.found = null;
    this.error = null;
    this.forgotten = null;
  }

  private async lookUp(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const id = form.get('id')?.toString().trim() ?? '';
    if (!id) return;
    const byReference = form.get('byReference') !== null;
    this.state = null;
    this.found = null;
    this.error = null;
    this.forgotten = null;
    try {
      if (byReference || (!UUID_LIKE.test(id) && REFERENCE_ID_PATTERN.test(id))) {
        const found = await this.api.usersByReference(id);
        if (found.users.length > 0 || byReference || !UAID_PATTERN.test(id)) {
          this.found = found;
          return;
        }
      }
      this.state = await this.api.user(id);
    } catch (error) {
      this.error = error;
    }
  }

  private async openMatch(id: string): Promise<void> {
    this.error = null;
    this.forgotten = null;
    try {
      this.state = await this.api.user(id);
      this.found = null;
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
        <label><input type="checkbox" name="byReference" /> ${t.byReference}</label>
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
      ${this.found ? this.list(this.found) : nothing}
      ${this.state ? this.view(this.state) : nothing}`;
  }

  private list({ users, count }: { users: UserMatch[]; count: number }): TemplateResult {
    const t = this.t;
    if (users.length === 0) return html`<p role="status" data-matches="0">${t.noMatches}</p>`;
    return html`<section class="card" aria-labelledby="h-matches">
      <h2 id="h-matches">${t.matches(users.length, count)}</h2>
      <ul class="events" data-matches=${users.length}>
        ${users.map(
          (u) =>
            html`<li>
              <button
                type="button"
                data-match=${u.userAuthorizationId}
                @click=${() => this.openMatch(u.userAuthorizationId)}
              >
                ${t.open} <code>${u.userAuthorizationId}</code>
              </button>
              <span class="badge ${u.referenceIdMode === 'merchant' ? 'good' : 'warn'}">
                ${u.referenceIdMode === 'merchant' ? t.modeMerchant : t.modePublic}
              </span>
              <span>${this.when(u.verifiedAt)}</span>
              <span>${u.standing ?? '-'}</span>
            </li>`,
        )}
      </ul>
    </section>`;
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
                <dd>
                  ${a.referenceId ?? '-'}
                  ${
                    a.referenceIdMode === null
                      ? nothing
                      : html`<span class="badge">
                          ${a.referenceIdMode === 'merchant' ? t.modeMerchant : t.modePublic}
                        </span>`
                  }
                </dd>
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
