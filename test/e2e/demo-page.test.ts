import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type DefaultTreeAdapterMap } from 'parse5';
import { describe, expect, it } from 'vitest';
import { root } from './installed';

// The demo page as a browser parses it (parse5 follows the HTML standard): an id
// given twice makes getElementById return the first alone, silently.

type Node = DefaultTreeAdapterMap['node'];

/** Every `id` of the document, in document order, repeats included. */
function idsOf(node: Node): string[] {
  const own = 'attrs' in node ? node.attrs.filter((a) => a.name === 'id').map((a) => a.value) : [];
  const children = 'childNodes' in node ? node.childNodes : [];
  const template = 'content' in node ? [node.content] : [];
  return [...own, ...[...children, ...template].flatMap(idsOf)];
}

const html = readFileSync(join(root, 'demo/index.html'), 'utf8');
const script = readFileSync(join(root, 'demo/demo.js'), 'utf8');
const ids = idsOf(parse(html));

describe('the demo page', () => {
  it('gives each id to one element only', () => {
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('has every id its script looks up', () => {
    const wanted = [...script.matchAll(/getElementById\('([^']+)'\)/g)].map((m) => m[1] ?? '');
    expect(wanted).toContain('customer');
    expect(wanted.filter((id) => !ids.includes(id))).toEqual([]);
  });
});
