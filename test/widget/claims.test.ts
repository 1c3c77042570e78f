import { afterEach, describe, expect, it, vi } from 'vitest';
import { stringsFor } from '../../widget/i18n';
import { cleanup, mount, part, reach, textOf } from './support';

// The `claims` attribute (issue 23): what POST /v1/sessions carries, what a bad
// list does (nothing reaches the Worker), and the words for the claims' failures.

const ja = stringsFor('ja');
const en = stringsFor('en');

interface Sent {
  url: string;
  method: string;
  body: unknown;
}

/**
 * Records every fetch of the page; `answer` may stand in for the Worker (a
 * Response) or let the request through (undefined).
 */
function recordFetch(
  answer: (url: string, method: string) => Response | undefined = () => undefined,
) {
  const original = window.fetch;
  const sent: Sent[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ url, method, body });
    return answer(url, method) ?? original(input, init);
  };
  restore.push(() => (window.fetch = original));
  return sent;
}

/** A JSON answer as the Worker gives one. */
function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

const restore: (() => void)[] = [];

afterEach(() => {
  cleanup();
  for (const undo of restore.splice(0)) undo();
  vi.restoreAllMocks();
});

const creations = (sent: Sent[]) =>
  sent.filter((s) => s.method === 'POST' && s.url.endsWith('/v1/sessions'));

describe('<paypay-kyc-passport claims>', () => {
  it('sends the names as an array, split on commas and spaces, and the Worker takes it', async () => {
    const sent = recordFetch();
    const { el } = mount({ claims: 'name, age_over_20', lang: 'en' });
    await reach(el, 'qr');
    expect(creations(sent).map((s) => s.body)).toEqual([
      { lang: 'en', claims: ['name', 'age_over_20'] },
    ]);
  });

  it('sends no claims without the attribute: the Worker gives its default', async () => {
    const sent = recordFetch();
    const { el } = mount({ lang: 'en' });
    await reach(el, 'qr');
    const [created] = creations(sent);
    expect(created?.body).toEqual({ lang: 'en' });
  });

  it.each([
    ['age_over_21', ['age_over_21']],
    ['', []],
    ['kyc kyc', ['kyc', 'kyc']],
  ])(
    'sends claims=%j as written for the Worker to judge, never as "not set"',
    async (claims, list) => {
      const sent = recordFetch((url, method) =>
        method === 'POST' && url.endsWith('/v1/sessions')
          ? json(400, {
              error: {
                code: 'INVALID_FIELD',
                message: 'claims has an unknown name',
                requestId: 'req_0123456789abcdef01234567',
              },
            })
          : undefined,
      );
      const { el, events } = mount({ claims, lang: 'en' });
      await reach(el, 'error');
      expect(creations(sent).map((s) => s.body)).toEqual([{ lang: 'en', claims: list }]);
      expect(events.at(-1)).toMatchObject({
        type: 'kyc-passport-error',
        detail: { code: 'INVALID_FIELD', requestId: 'req_0123456789abcdef01234567' },
      });
      expect(el.busy).toBe(false);
    },
  );

  it.each([
    ['ja', ja],
    ['en', en],
  ] as const)('%s: a 403 CLAIM_NOT_ALLOWED is the error state with its words', async (lang, t) => {
    const sent = recordFetch((url, method) =>
      method === 'POST' && url.endsWith('/v1/sessions')
        ? json(403, {
            error: {
              code: 'CLAIM_NOT_ALLOWED',
              message: 'claims names age_over_18, which ALLOWED_CLAIMS does not allow',
              requestId: 'req_0123456789abcdef01234567',
            },
          })
        : undefined,
    );
    const { el, events } = mount({ claims: 'age_over_18', lang });
    await reach(el, 'error');
    expect(creations(sent)).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      type: 'kyc-passport-error',
      detail: {
        code: 'CLAIM_NOT_ALLOWED',
        message: t.errors.CLAIM_NOT_ALLOWED,
        requestId: 'req_0123456789abcdef01234567',
      },
    });
    expect(textOf(el)).toContain(t.errors.CLAIM_NOT_ALLOWED!);
    expect(textOf(el)).toContain(t.reference('req_0123456789abcdef01234567'));
    expect(part(el, 'retry-button')).not.toBeNull();
    expect(el.busy).toBe(false);
  });
});

describe('the KYC_METHOD_NOT_ACCEPTED failure', () => {
  it.each([
    ['ja', ja],
    ['en', en],
  ] as const)('%s: shows its own words and a retry that starts over', async (lang, t) => {
    // The Worker says the session failed so; the live stream is kept out of it.
    const Original = window.EventSource;
    window.EventSource = class extends Original {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(String(url).replace(/\/events$/, '/events-blocked'), init);
      }
    };
    restore.push(() => (window.EventSource = Original));
    let failing: string | null = null;
    recordFetch((url, method) => {
      const id = /\/v1\/sessions\/([^/?]+)$/.exec(url)?.[1];
      if (method !== 'GET' || !id) return undefined;
      failing ??= id;
      if (id !== failing) return undefined;
      return json(200, {
        sessionId: id,
        status: 'failed',
        expiresAt: new Date(Date.now() + 300_000).toISOString(),
        error: { reason: 'KYC_METHOD_NOT_ACCEPTED' },
      });
    });
    const { el, events } = mount({ claims: 'age_over_20', lang });
    await reach(el, 'failed');
    expect(t.reasons.KYC_METHOD_NOT_ACCEPTED).not.toBe(t.reasons.PAYPAY_ERROR);
    expect(textOf(el)).toContain(t.failed);
    expect(textOf(el)).toContain(t.reasons.KYC_METHOD_NOT_ACCEPTED);
    expect(events.find((e) => e.detail.status === 'failed')?.detail).toMatchObject({
      reason: 'KYC_METHOD_NOT_ACCEPTED',
    });
    (part(el, 'retry-button') as HTMLButtonElement).click();
    await reach(el, 'qr');
  });
});
