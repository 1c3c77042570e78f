import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './installed';

/** One fenced code block of a Markdown file. */
export interface Sample {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
}

/** The fenced code blocks of a Markdown file (relative to the repository). */
export function samplesOf(file: string): Sample[] {
  return fenced(file, /^()```(\S*)\s*$/);
}

/**
 * Every fenced block, also those of list items (their indent removed): fragments
 * such as console.md's two vars, which the sample checks cannot parse alone.
 */
export function blocksOf(file: string): Sample[] {
  return fenced(file, /^( *)```(\S*)\s*$/);
}

/** The blocks whose opening fence `open` matches: its groups are the indent and the language. */
function fenced(file: string, open: RegExp): Sample[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = open.exec(lines[i]!);
    if (!fence) continue;
    const start = i;
    const indent = fence[1]!;
    const close = new RegExp(`^${indent}\`\`\`\\s*$`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]!); i++) {
      body.push(lines[i]!.startsWith(indent) ? lines[i]!.slice(indent.length) : lines[i]!);
    }
    samples.push({ file, line: start + 1, lang: fence[2] ?? '', code: body.join('\n') });
  }
  return samples;
}

/**
 * A sample's own name for its file, from a first-line comment like `// Verify.tsx`
 * (`+` too: SvelteKit's route files are `+page.svelte`).
 */
export function namedFile(sample: Sample): string | null {
  const first = sample.code.split('\n')[0] ?? '';
  return /^(?:\/\/|#|<!--)\s*([\w./+-]+\.\w+)\s*(?:-->)?$/.exec(first)?.[1] ?? null;
}

/** A Markdown file's lines outside its fenced code blocks, each with its 1-based number. */
export function proseOf(file: string): { line: number; text: string }[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const prose: { line: number; text: string }[] = [];
  let inBlock = false;
  lines.forEach((text, i) => {
    if (/^\s*```/.test(text)) inBlock = !inBlock;
    else if (!inBlock) prose.push({ line: i + 1, text });
  });
  return prose;
}

/** One ATX heading (`## Text`) of a Markdown file. */
export interface Heading {
  line: number;
  level: number;
  text: string;
}

/** The headings of a Markdown file, in order (none from inside code blocks). */
export function headingsOf(file: string): Heading[] {
  return proseOf(file).flatMap(({ line, text }) => {
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(text);
    return heading ? [{ line, level: heading[1]!.length, text: heading[2]! }] : [];
  });
}

/** One Markdown link or image (`[text](target)`, `![alt](target)`) of a file. */
export interface Link {
  line: number;
  image: boolean;
  target: string;
}

/** The links and images of a Markdown file's prose (not of code blocks or code spans). */
export function linksOf(file: string): Link[] {
  return proseOf(file).flatMap(({ line, text }) =>
    [
      ...text
        .replace(/`[^`]*`/g, 'code')
        .matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
    ].map((m) => ({ line, image: m[1] === '!', target: m[2]! })),
  );
}

/**
 * The anchor GitHub gives a heading: lower case, punctuation (ASCII and Japanese)
 * dropped, spaces to hyphens; a repeated one gets `-1`, `-2`…
 */
export function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  for (const { text } of headingsOf(file)) {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}
