import { LitElement, html, type TemplateResult } from 'lit';
import { ConsoleApi, apiBaseOf } from './api';
import { STRINGS, initialLang, type Lang } from './i18n';

/** The console's pages, by hash route: `#/`, `#/deliveries`, `#/user`, `#/doctor`. */
const ROUTES = ['overview', 'deliveries', 'user', 'doctor'] as const;
type Route = (typeof ROUTES)[number];
type Theme = 'auto' | 'light' | 'dark';

function routeOf(hash: string): Route {
  const name = hash.replace(/^#\/?/, '') as Route;
  return ROUTES.includes(name) ? name : 'overview';
}

/**
 * <kyc-console>: the shell. Navigation, language and theme; each page is its
 * own element, made anew when it is opened (so it loads fresh numbers).
 */
export class KycConsole extends LitElement {
  static override properties = {
    route: { state: true },
    lang: { state: true },
    theme: { state: true },
  };
  declare route: Route;
  declare lang: Lang;
  declare theme: Theme;
  private api = new ConsoleApi('');
  private readonly onHash = () => {
    this.route = routeOf(location.hash);
    // A new page: its heading takes the focus, as a page load would.
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('main')?.focus());
  };

  constructor() {
    super();
    this.route = routeOf(location.hash);
    this.lang = initialLang(document, navigator);
    this.theme = (localStorage.getItem('kyc-console-theme') as Theme | null) ?? 'auto';
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.api = new ConsoleApi(apiBaseOf(this, location));
    addEventListener('hashchange', this.onHash);
  }

  override disconnectedCallback(): void {
    removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    document.documentElement.lang = this.lang;
    document.title = STRINGS[this.lang].title;
    if (this.theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.theme;
  }

  private setLang(event: Event): void {
    this.lang = (event.target as HTMLSelectElement).value as Lang;
  }

  private setTheme(event: Event): void {
    this.theme = (event.target as HTMLSelectElement).value as Theme;
    localStorage.setItem('kyc-console-theme', this.theme);
  }

  override render(): TemplateResult {
    const t = STRINGS[this.lang];
    return html`<a class="skip" href="#main" @click=${this.skip}>${t.skip}</a>
      <header class="top">
        <p class="brand">${t.title}</p>
        <nav aria-label=${t.nav}>
          <ul>
            ${ROUTES.map(
              (r) =>
                html`<li>
                  <a
                    href=${r === 'overview' ? '#/' : `#/${r}`}
                    aria-current=${r === this.route ? 'page' : 'false'}
                    >${t[r]}</a
                  >
                </li>`,
            )}
          </ul>
        </nav>
        <div class="switches">
          <label
            >${t.language}
            <select @change=${this.setLang}>
              <option value="ja" ?selected=${this.lang === 'ja'}>日本語</option>
              <option value="en" ?selected=${this.lang === 'en'}>English</option>
            </select></label
          >
          <label
            >${t.theme}
            <select @change=${this.setTheme}>
              ${(['auto', 'light', 'dark'] as const).map(
                (v) =>
                  html`<option value=${v} ?selected=${this.theme === v}>
                    ${t[v === 'auto' ? 'themeAuto' : v === 'light' ? 'themeLight' : 'themeDark']}
                  </option>`,
              )}
            </select></label
          >
        </div>
      </header>
      <main id="main" tabindex="-1">${this.page()}</main>`;
  }

  /** The skip link moves focus without touching the hash (the router's). */
  private skip(event: Event): void {
    event.preventDefault();
    this.querySelector<HTMLElement>('main')?.focus();
  }

  private page(): TemplateResult {
    const { api, lang } = this;
    const t = STRINGS[lang];
    switch (this.route) {
      case 'deliveries':
        return html`<kyc-deliveries .api=${api} .t=${t} lang=${lang}></kyc-deliveries>`;
      case 'user':
        return html`<kyc-user .api=${api} .t=${t} lang=${lang}></kyc-user>`;
      case 'doctor':
        return html`<kyc-doctor .api=${api} .t=${t} lang=${lang}></kyc-doctor>`;
      default:
        return html`<kyc-overview .api=${api} .t=${t} lang=${lang}></kyc-overview>`;
    }
  }
}
