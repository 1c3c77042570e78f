import { describe, expect, it } from 'vitest';
import { clientKeyOf, networkKeyOf } from '../../../worker/http/rate-limit';
import { ORIGIN } from '../support/flow';
import { call, type Overrides } from '../support/webhooks';

// Issue 20: the creation limits count requests the Worker would serve, and a
// network (IPv4 /24, IPv6 /48) has a limit of its own. This file has its own
// workerd, so its global counter starts at zero whatever other files do.

/** A browser's `POST /v1/sessions` from `ip`, with a body and Content-Type of the caller's choice. */
function create(
  ip: string,
  overrides: Overrides,
  body = '{}',
  contentType = 'application/json',
): Promise<Response> {
  return call(
    '/v1/sessions',
    {
      method: 'POST',
      headers: { Origin: ORIGIN, 'Content-Type': contentType, 'CF-Connecting-IP': ip },
      body,
    },
    overrides,
  );
}

describe('what the creation limits count', () => {
  it('garbage from many addresses spends neither the global cap nor a client limit', async () => {
    const limits = { SESSION_GLOBAL_LIMIT_PER_MINUTE: '3', SESSION_RATE_LIMIT_PER_MINUTE: '1' };
    const garbage: [string, string][] = [
      ['not json', 'application/json'],
      ['{}', 'text/plain'],
      ['{"referenceId": 42}', 'application/json'],
      ['{"unknown": true}', 'application/json'],
      ['{"kycData": {}}', 'application/json'],
    ];
    for (let i = 0; i < 40; i++) {
      const [body, type] = garbage[i % garbage.length]!;
      const answer = await create(`198.51.${i}.7`, limits, body, type);
      expect([400, 415], `${i}: ${body} as ${type}`).toContain(answer.status);
    }
    // Real customers, one of them on an address that sent garbage: the cap is whole.
    const real = ['198.51.0.7', '203.0.113.1', '203.0.114.1'];
    for (const ip of real) expect((await create(ip, limits)).status, ip).toBe(201);
    expect((await create('203.0.115.1', limits)).status).toBe(429);
  });
});

describe('the network limit', () => {
  it('keys IPv4 by its /24 and IPv6 by its /48, beside the client keys', () => {
    expect(networkKeyOf('192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkKeyOf('::ffff:192.0.2.77')).toBe('192.0.2.0/24');
    expect(networkKeyOf('2001:db8:aa:1::1')).toBe('2001:db8:aa::/48');
    expect(networkKeyOf('2001:0db8:00aa:ffff:1:2:3:4')).toBe('2001:db8:aa::/48');
    expect(clientKeyOf('2001:db8:aa:1::1')).toBe('2001:db8:aa:1::/64');
    expect(networkKeyOf('unknown')).toBe('unknown');
  });

  it('bounds one IPv4 /24 to 10 times the per-client limit, whatever its addresses', async () => {
    const limits = { SESSION_RATE_LIMIT_PER_MINUTE: '1' };
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++) statuses.push((await create(`192.0.2.${i}`, limits)).status);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(201));
    const limited = await create('192.0.2.200', limits);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('network') },
    });
    // The neighbouring /24 has its own count.
    expect((await create('192.0.3.1', limits)).status).toBe(201);
  });

  it('bounds one IPv6 /48 to 10 times the per-client limit, across its /64s', async () => {
    const limits = { SESSION_RATE_LIMIT_PER_MINUTE: '1' };
    const statuses: number[] = [];
    for (let i = 1; i <= 11; i++)
      statuses.push((await create(`2001:db8:4800:${i.toString(16)}::1`, limits)).status);
    expect(statuses).toEqual([...new Array(10).fill(201), 429]);
    expect((await create('2001:db8:4801:1::1', limits)).status).toBe(201);
  });
});
