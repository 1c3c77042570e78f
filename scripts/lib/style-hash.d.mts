/** Types of scripts/lib/style-hash.mjs for the TypeScript tests. */
export function elementStyleText(code: string): string;
export function styleHash(file: string): string;
