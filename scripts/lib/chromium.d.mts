/** Types of scripts/lib/chromium.mjs for the TypeScript test setups. */
export const chromiumPath: string;
export const chromiumArgs: string[];
