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
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    samples.push({ file, line: start + 1, lang: open[1] ?? '', code: body.join('\n') });
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
