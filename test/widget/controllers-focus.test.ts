import { html, LitElement, nothing } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { FocusController } from '../../widget/controllers/focus';

/** A host with two states; the second adds an action marked to take focus. */
class FocusHost extends LitElement {
  step: 'first' | 'second' = 'first';
  readonly focusing = new FocusController(this, () => this.step);
  go(step: 'first' | 'second'): Promise<boolean> {
    this.step = step;
    this.requestUpdate();
    return this.updateComplete;
  }
  override render() {
    return html`<button>stay</button>
      ${this.step === 'second' ? html`<button data-autofocus>second</button>` : nothing}`;
  }
}
customElements.define('focus-test-host', FocusHost);

afterEach(() => {
  for (const el of document.querySelectorAll('focus-test-host, input')) el.remove();
});

async function mountHost(): Promise<FocusHost> {
  const host = document.createElement('focus-test-host') as FocusHost;
  document.body.append(host);
  await host.updateComplete;
  return host;
}

describe('FocusController', () => {
  it("moves focus to the new state's action when focus is inside the host", async () => {
    const host = await mountHost();
    host.shadowRoot!.querySelector('button')!.focus();
    await host.go('second');
    expect(host.shadowRoot!.activeElement?.textContent).toBe('second');
  });

  it('leaves focus alone when the customer is elsewhere on the page', async () => {
    const host = await mountHost();
    const outside = document.createElement('input');
    document.body.append(outside);
    outside.focus();
    await host.go('second');
    expect(document.activeElement).toBe(outside);
  });

  it('does not take focus on the first render', async () => {
    const host = document.createElement('focus-test-host') as FocusHost;
    host.step = 'second';
    document.body.append(host);
    await host.updateComplete;
    expect(host.shadowRoot!.activeElement).toBeNull();
  });
});
