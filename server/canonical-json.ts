/**
 * RFC 8785 (JCS) canonical JSON: members sorted by their names' UTF-16 code
 * units, no whitespace, strings and numbers as ECMAScript's JSON.stringify
 * writes them. It must equal, byte for byte, what the Worker digests receipts
 * with (the `canonicalize` package): a receipt's `digest` is the SHA-256 of
 * this text. Written here rather than bundled: `canonicalize` 5 asks for Node
 * 22 and uses `String.prototype.isWellFormed` (ES2024), while this module runs
 * on Node 18 and targets ES2022.
 *
 * Refused as `canonicalize` refuses them (a `TypeError`): numbers that are not
 * finite, strings with a lone surrogate, bigints, cycles. Values JSON has no
 * form for (undefined, functions, symbols) are left out of objects and are
 * `null` in arrays, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  const text = serialize(value, new Set());
  if (text === undefined) throw new TypeError('canonicalJson: not a JSON value');
  return text;
}

/** A lone surrogate: half of a UTF-16 pair without its other half, which UTF-8 cannot carry. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serialize(input: unknown, ancestors: Set<object>): string | undefined {
  let value = input;
  if (isObject(value) && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    value = (value as { toJSON(): unknown }).toJSON();
  // Boxed primitives are their values, as in JSON.stringify.
  if (value instanceof Number || value instanceof String || value instanceof Boolean)
    value = value.valueOf();

  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value))
        throw new TypeError('canonicalJson: a string has a lone surrogate');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not JSON`);
      // ECMAScript's Number-to-string, which RFC 8785 adopts: 1e+21, 0.1, -0 as 0.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint is not JSON');
    case 'object':
      break;
    default:
      return undefined; // undefined, a function, a symbol
  }
  if (value === null) return 'null';

  const container = value as object;
  if (ancestors.has(container)) throw new TypeError('canonicalJson: a cycle');
  ancestors.add(container);
  let text: string;
  if (Array.isArray(container)) {
    text = `[${container.map((item) => serialize(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const record = container as Record<string, unknown>;
    const members: string[] = [];
    // sort() without a comparator orders by UTF-16 code units, as RFC 8785 section 3.2.3 asks.
    for (const key of Object.keys(record).sort()) {
      const member = serialize(record[key], ancestors);
      if (member !== undefined) members.push(`${serialize(key, ancestors)}:${member}`);
    }
    text = `{${members.join(',')}}`;
  }
  // Only ancestors: the same object twice side by side is no cycle.
  ancestors.delete(container);
  return text;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
