/** One CIDR block: the address bytes (4 for IPv4, 16 for IPv6) and its prefix length. */
export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 `x:x::x/n` (a bare address is a single host);
 * null when it is not one. IPv4-mapped IPv6 blocks (`::ffff:a.b.c.d/n`, n >= 96)
 * become the IPv4 block, so they match whichever form the edge reports.
 */
export function parseCidr(text: string): Cidr | null {
  const [address, length, ...rest] = text.trim().split('/');
  if (address === undefined || rest.length > 0) return null;
  const bytes = address.includes(':') ? parseIpv6(address) : parseIpv4(address);
  if (bytes === null) return null;
  const max = bytes.length * 8;
  let prefix = max;
  if (length !== undefined) {
    if (!/^\d{1,3}$/.test(length)) return null;
    prefix = Number(length);
    if (prefix > max) return null;
  }
  if (bytes.length === 16 && isV4Mapped(bytes) && prefix >= 96) {
    return { bytes: bytes.slice(12), prefix: prefix - 96 };
  }
  return { bytes, prefix };
}

/** An IPv4 or IPv6 address as bytes (IPv4-mapped IPv6 as IPv4), or null. */
export function parseIp(text: string): Uint8Array | null {
  const value = text.trim();
  if (value.includes(':')) {
    const bytes = parseIpv6(value);
    return bytes !== null && isV4Mapped(bytes) ? bytes.slice(12) : bytes;
  }
  return parseIpv4(value);
}

/** Whether `ip` (as CF-Connecting-IP gives it) lies in one of `blocks`. */
export function ipAllowed(ip: string, blocks: readonly Cidr[]): boolean {
  const bytes = parseIp(ip);
  if (bytes === null) return false;
  return blocks.some((block) => inBlock(bytes, block));
}

function inBlock(bytes: Uint8Array, block: Cidr): boolean {
  if (bytes.length !== block.bytes.length) return false;
  let bits = block.prefix;
  for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((block.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

function parseIpv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null; // no zone ids, no brackets
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        if (v4 === null) return null;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}
