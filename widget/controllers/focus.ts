import type { ReactiveController, ReactiveElement } from 'lit';

/**
 * Moves focus to the action a new state needs (the element marked
 * `data-autofocus`), and only when focus is already inside the host: never
 * away from something the customer is using elsewhere on the page.
 */
export class FocusController implements ReactiveController {
  #last: unknown;
  #rendered = false;

  readonly #host: ReactiveElement;
  readonly #key: () => unknown;

  /** `key` names the state shown; focus moves when it changes, not on the first render. */
  constructor(host: ReactiveElement, key: () => unknown) {
    this.#host = host;
    this.#key = key;
    host.addController(this);
  }

  hostUpdated(): void {
    const key = this.#key();
    const changed = this.#rendered && key !== this.#last;
    this.#rendered = true;
    this.#last = key;
    if (!changed) return;
    const target = this.#host.renderRoot.querySelector<HTMLElement>('[data-autofocus]');
    if (target && this.#host.matches(':focus-within')) target.focus();
  }
}
