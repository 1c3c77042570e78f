import { LitElement } from 'lit';
import type { ConsoleApi } from './api';
import type { Lang, Strings } from './i18n';

/**
 * A page of the console: rendered in the light DOM, so the one stylesheet of
 * the console (console.css) styles every page and the document's headings and
 * landmarks are one tree for assistive technology.
 */
export class ConsolePage extends LitElement {
  static override properties = {
    api: { attribute: false },
    t: { attribute: false },
    lang: { type: String },
  };
  declare api: ConsoleApi;
  declare t: Strings;
  declare lang: Lang;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  /** A time as the reader's language writes it, in Japan time (the merchant's day). */
  protected when(iso: string | null | undefined, withDate = true): string {
    if (!iso) return '-';
    return new Intl.DateTimeFormat(this.lang === 'ja' ? 'ja-JP' : 'en-GB', {
      timeZone: 'Asia/Tokyo',
      ...(withDate ? { month: 'short', day: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(iso));
  }
}

/** What a page shows when a call failed: the message, the code and the request id to quote. */
export function failureText(t: Strings, error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    const { code, requestId } = error as Error & { code: string; requestId: string | null };
    return `${t.failedToLoad}: ${code} ${error.message}${requestId ? ` (${t.requestId}: ${requestId})` : ''}`;
  }
  return `${t.failedToLoad}: ${error instanceof Error ? error.message : String(error)}`;
}
