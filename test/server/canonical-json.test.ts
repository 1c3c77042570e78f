// The RFC 8785 JSON of paypay-kyc-passport/server: byte for byte the
// `canonicalize` package the Worker digests receipts with (worker/receipts/jws.ts).
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../server/canonical-json';
import { digestOf } from '../../worker/receipts/jws';

const tricky: { claims: object; kyc?: object }[] = [
  { claims: { '€': 1, a: 0, '\u0080': 'x', '😀': 'y', ﬁ: 2, A: 1, '\ue000': 3, '': 4 } },
  { claims: { n: [1e21, 1e-7, 0.1, -0, 5e-324, 1.7976931348623157e308, 123456789012345680000] } },
  {
    claims: {},
    kyc: { nested: [[], {}, [{ b: 1, a: [null, true, false] }]], e: '\u2028\u0000"\\\n' },
  },
  {
    claims: { name: '山田 太郎', age_over_20: true },
    kyc: { address: { zip: '100-0001', pref: '東京都' } },
  },
  { claims: { dropped: undefined, kept: [undefined, 1] } },
];

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

describe("the server's RFC 8785 JSON", () => {
  it.each(tricky)('is canonicalize, and its SHA-256 digestOf: %j', async (released) => {
    const text = canonicalJson(released);
    expect(text).toBe(canonicalize(released));
    const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
    expect(base64url(new Uint8Array(hash))).toBe(await digestOf(released));
  });

  it('writes numbers as ECMAScript does, keys by UTF-16 code units', () => {
    expect(canonicalJson({ b: [1e21, 0.1, -0, 1e-7], a: 1 })).toBe(
      '{"a":1,"b":[1e+21,0.1,0,1e-7]}',
    );
    // U+1F600 is the surrogates D83D DE00: before U+E000 in UTF-16, after it in code points.
    expect(canonicalJson({ '\ue000': 1, '😀': 2 })).toBe('{"😀":2,"\ue000":1}');
  });

  it('refuses what canonicalize refuses: not finite, lone surrogates, bigints, cycles', () => {
    for (const bad of [
      { a: NaN },
      { a: -Infinity },
      { a: '\ud800' },
      { '\udc00x': 1 },
      { a: 1n },
    ]) {
      expect(() => canonicalJson(bad), String(Object.keys(bad))).toThrow(TypeError);
      expect(() => canonicalize(bad)).toThrow();
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
