import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorsOf, blocksOf, headingsOf, linksOf, type Heading, type Sample } from './docs';
import { root } from './installed';

/**
 * The Japanese pages keep step with the English ones: the same sections (the
 * sequence of heading levels), the same code (only whole comment lines may be
 * Japanese), the same screenshots, and links that lead somewhere. Prose and
 * tables are free. A failure names the file, the heading or block and its line,
 * so whoever merges an English change sees what to carry over.
 */
const PAIRS: [en: string, ja: string][] = [
  ['README.md', 'README.ja.md'],
  ...['quickstart', 'embedding', 'deploy', 'console', 'compliance'].map(
    (name): [string, string] => [`docs/${name}.md`, `docs/ja/${name}.md`],
  ),
];

/** Comment lines, per language; `///` and `// @…` are compiler directives, not comments. */
const COMMENT: Record<string, RegExp> = {
  sh: /^\s*#(?!!)/,
  toml: /^\s*#/,
  ts: /^\s*\/\/(?![/@])/,
  tsx: /^\s*\/\/(?![/@])/,
  js: /^\s*\/\/(?![/@])/,
  jsonc: /^\s*\/\/(?![/@])/,
  html: /^\s*<!--.*-->\s*$/,
};

/** A block's lines that must match: all but its comment lines (its file-name comment included). */
function codeLines(sample: Sample): string[] {
  const comment = COMMENT[sample.lang];
  const lines = sample.code.split('\n');
  const named = /^(?:\/\/|#|<!--)\s*[\w./-]+\.\w+\s*(?:-->)?$/.test(lines[0] ?? '');
  return lines.filter((line, i) => (named && i === 0) || !comment?.test(line));
}

/** A link's target as a repository path (no fragment), from the file that holds it. */
const resolved = (file: string, target: string) =>
  normalize(join(dirname(file), decodeURI(target.split('#')[0]!)));
const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target);
const show = (file: string, h: Heading) => `${file}:${h.line} ${'#'.repeat(h.level)} ${h.text}`;

/**
 * Which headings of one page have no counterpart in the other: an alignment of
 * the two outlines that pairs only equal levels and, among equal levels, prefers
 * sections that share inline code, link targets or numbers.
 */
function unmatched(en: string, ja: string): string[] {
  const features = (file: string) => {
    const headings = headingsOf(file);
    const links = linksOf(file);
    return headings.map((h, i) => {
      const end = headings[i + 1]?.line ?? Infinity;
      const words = new Set(
        [...h.text.matchAll(/`[^`]+`|\d+(?:[.-]\d+)*/g)].map((m) => m[0].replace(/\.$/, '')),
      );
      for (const l of links)
        if (l.line > h.line && l.line < end) words.add(resolved(file, l.target));
      return { h, words };
    });
  };
  const a = features(en);
  const b = features(ja);
  const score = (i: number, j: number) => {
    if (a[i]!.h.level !== b[j]!.h.level) return -Infinity;
    const shared = [...a[i]!.words].filter((w) => b[j]!.words.has(w)).length;
    return 100 + shared;
  };
  const best: number[][] = Array.from({ length: a.length + 1 }, () => Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      best[i]![j] = Math.max(
        best[i + 1]![j]!,
        best[i]![j + 1]!,
        score(i, j) + best[i + 1]![j + 1]!,
      );
    }
  }
  const missing: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && best[i]![j] === score(i, j) + best[i + 1]![j + 1]!) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || best[i]![j] === best[i + 1]![j])) {
      missing.push(`${show(en, a[i]!.h)} (heading ${i + 1}) has no counterpart in ${ja}`);
      i++;
    } else {
      missing.push(`${show(ja, b[j]!.h)} (heading ${j + 1}) has no counterpart in ${en}`);
      j++;
    }
  }
  return missing;
}

describe.each(PAIRS)('%s and %s', (en, ja) => {
  it('exist and link to each other', () => {
    expect(existsSync(join(root, ja)), ja).toBe(true);
    const to = (from: string, file: string) =>
      linksOf(from).some((l) => isRelative(l.target) && resolved(from, l.target) === file);
    expect(to(en, ja), `${en} links to ${ja}`).toBe(true);
    expect(to(ja, en), `${ja} links to ${en}`).toBe(true);
  });

  it('have the same sections: the same heading levels in the same order', () => {
    const levels = (file: string) => headingsOf(file).map((h) => h.level);
    if (levels(en).join() === levels(ja).join()) return;
    const a = headingsOf(en);
    const b = headingsOf(ja);
    const first = a.findIndex((h, i) => h.level !== b[i]?.level);
    const at = first === -1 ? a.length : first;
    const report = [
      `${en} has ${a.length} headings, ${ja} ${b.length}; the levels first differ at heading ${at + 1}:`,
      `  ${a[at] ? show(en, a[at]) : `${en}: (none)`}`,
      `  ${b[at] ? show(ja, b[at]) : `${ja}: (none)`}`,
      'most likely:',
      ...unmatched(en, ja).map((line) => `  ${line}`),
    ];
    expect.fail(report.join('\n'));
  });

  it('have the same code blocks: language and code alike, only comment lines may differ', () => {
    const a = blocksOf(en);
    const b = blocksOf(ja);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      const where = `code block ${i + 1} (${x ? `${en}:${x.line}` : `none in ${en}`}, ${y ? `${ja}:${y.line}` : `none in ${ja}`})`;
      expect(x && y, `${where}: ${en} has ${a.length} blocks, ${ja} ${b.length}`).toBeTruthy();
      expect(y!.lang, `${where}: language`).toBe(x!.lang);
      expect(codeLines(y!), `${where}: code other than comment lines`).toEqual(codeLines(x!));
    }
  });

  it('show the same images', () => {
    const images = (file: string) =>
      linksOf(file)
        .filter((l) => l.image)
        .map((l) => (isRelative(l.target) ? resolved(file, l.target) : l.target));
    const missing = images(en).filter((image) => !images(ja).includes(image));
    expect(missing, `images of ${en} missing from ${ja}`).toEqual([]);
  });

  it('links only to files that exist, and to headings they have', () => {
    const broken = linksOf(ja)
      .filter((l) => isRelative(l.target))
      .filter((l) => {
        const target = l.target.startsWith('#') ? ja : resolved(ja, l.target);
        if (!existsSync(join(root, target))) return true;
        const anchor = l.target.split('#')[1];
        return (
          anchor !== undefined &&
          target.endsWith('.md') &&
          !anchorsOf(target).has(decodeURIComponent(anchor))
        );
      })
      .map((l) => `${ja}:${l.line} ${l.target}`);
    expect(broken).toEqual([]);
  });

  it('link the Japanese page where there is one (but for the link back to English)', () => {
    const twins = new Map(PAIRS);
    const english = linksOf(ja)
      .filter((l) => isRelative(l.target) && !l.target.startsWith('#'))
      .filter((l) => resolved(ja, l.target) !== en && twins.has(resolved(ja, l.target)))
      .map((l) => `${ja}:${l.line} ${l.target}: link ${twins.get(resolved(ja, l.target))}`);
    expect(english).toEqual([]);
  });
});

it('the pairs cover every Japanese page', () => {
  const pages = readdirSync(join(root, 'docs/ja')).map((name) => `docs/ja/${name}`);
  expect(pages.sort()).toEqual(
    PAIRS.filter(([en]) => en !== 'README.md')
      .map(([, ja]) => ja)
      .sort(),
  );
});
