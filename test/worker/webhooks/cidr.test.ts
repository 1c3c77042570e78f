import { describe, expect, it } from 'vitest';
import { ipAllowed, parseCidr, parseIp } from '../../../worker/webhooks/cidr';

describe('parseCidr', () => {
  it.each([
    ['192.0.2.0/24', 4, 24],
    ['192.0.2.7', 4, 32],
    ['0.0.0.0/0', 4, 0],
    ['2001:db8::/32', 16, 32],
    ['::1', 16, 128],
    ['::/0', 16, 0],
    ['2001:db8:0:0:0:0:0:1/128', 16, 128],
    ['::ffff:192.0.2.0/120', 4, 24],
  ])('reads %s', (text, bytes, prefix) => {
    const block = parseCidr(text);
    expect(block?.bytes).toHaveLength(bytes);
    expect(block?.prefix).toBe(prefix);
  });

  it.each([
    '192.0.2.0/33',
    '192.0.2/24',
    '192.0.2.256',
    '192.0.2.01',
    '2001:db8::/129',
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    '[::1]',
    'example.com',
    '10.0.0.0/8/8',
    '',
  ])('refuses %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});

describe('ipAllowed', () => {
  const blocks = ['192.0.2.0/24', '198.51.100.7', '2001:db8:1::/48'].map((b) => parseCidr(b)!);

  it.each([
    '192.0.2.0',
    '192.0.2.255',
    '198.51.100.7',
    '2001:db8:1::',
    '2001:DB8:1:ffff::9',
    '::ffff:192.0.2.9',
  ])('allows %s', (ip) => expect(ipAllowed(ip, blocks)).toBe(true));

  it.each(['192.0.3.0', '198.51.100.8', '2001:db8:2::1', '::1', '0.0.0.0', '', 'nonsense'])(
    'refuses %j',
    (ip) => expect(ipAllowed(ip, blocks)).toBe(false),
  );

  it('never lets an IPv4 block match an IPv6 address of the same bytes', () => {
    expect(ipAllowed('c000:0200::', [parseCidr('192.0.2.0/24')!])).toBe(false);
  });

  it('reads IPv6 with an embedded IPv4 tail', () => {
    expect([...(parseIp('64:ff9b::192.0.2.1') ?? [])].slice(12)).toEqual([192, 0, 2, 1]);
  });
});
