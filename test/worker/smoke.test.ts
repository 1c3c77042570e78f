import { describe, expect, it } from 'vitest';
import { exports } from 'cloudflare:workers';
describe('smoke', () => {
  it('reaches the sandbox', async () => {
    const r = await fetch('http://sandbox.test/x');
    expect(await r.text()).toBe('sandbox saw /x');
    const s = await exports.default.fetch('http://w/');
    expect(await s.text()).toBe('ok');
  });
});
