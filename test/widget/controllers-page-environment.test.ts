import { afterEach, describe, expect, it } from 'vitest';
import { PageEnvironmentController, PHONE_QUERY } from '../../widget/controllers/page-environment';
import { FakeHost } from './fakes';

/** A media query list whose answer the test sets, counting its listeners. */
class FakeQuery extends EventTarget {
  listeners = 0;
  constructor(
    readonly media: string,
    public matches: boolean,
  ) {
    super();
  }
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners += 1;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners -= 1;
    super.removeEventListener(...args);
  }
  change(matches: boolean): void {
    this.matches = matches;
    this.dispatchEvent(new MediaQueryListEvent('change', { matches, media: this.media }));
  }
}

function setup(phone = false) {
  const host = new FakeHost();
  const queries: FakeQuery[] = [];
  const heard: string[] = [];
  const page = new PageEnvironmentController(host, {
    visibility: (hidden) => heard.push(hidden ? 'hidden' : 'visible'),
    online: () => heard.push('online'),
    matchMedia: (query) => {
      const fake = new FakeQuery(query, phone);
      queries.push(fake);
      return fake as unknown as MediaQueryList;
    },
  });
  host.connect();
  return { host, queries, heard, page };
}

const hidden = Object.getOwnPropertyDescriptor(Document.prototype, 'hidden')!;
function pretendHidden(value: boolean): void {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => value });
  document.dispatchEvent(new Event('visibilitychange'));
}

afterEach(() => {
  Object.defineProperty(document, 'hidden', hidden);
  delete (document as { hidden?: boolean }).hidden;
  document.documentElement.lang = 'en';
});

describe('PageEnvironmentController', () => {
  it('says whether the screen is a phone, and follows the media query', () => {
    const { host, queries, page } = setup(true);
    expect(queries.map((q) => q.media)).toEqual([PHONE_QUERY]);
    expect(page.phone).toBe(true);
    const updates = host.updates;
    queries[0]!.change(false);
    expect(page.phone).toBe(false);
    expect(host.updates).toBe(updates + 1);
  });

  it("follows the page's <html lang>", async () => {
    document.documentElement.lang = 'ja';
    const { host, page } = setup();
    expect(page.documentLang).toBe('ja');
    document.documentElement.lang = 'en';
    await expect.poll(() => page.documentLang).toBe('en');
    expect(host.updates).toBeGreaterThan(0);
  });

  it('reports the tab hidden and shown, and the browser back online', () => {
    const { heard, page } = setup();
    pretendHidden(true);
    expect(page.hidden).toBe(true);
    pretendHidden(false);
    window.dispatchEvent(new Event('online'));
    expect(heard).toEqual(['hidden', 'visible', 'online']);
  });

  it('stops listening when the host is removed', async () => {
    const { host, queries, heard, page } = setup();
    host.disconnect();
    expect(queries[0]?.listeners).toBe(0);
    pretendHidden(true);
    window.dispatchEvent(new Event('online'));
    document.documentElement.lang = 'ja';
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(heard).toEqual([]);
    expect(page.documentLang).toBe('en');
  });
});
