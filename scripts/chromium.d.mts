/** Types of scripts/chromium.mjs for the TypeScript test setups. */
export const chromiumPath: string;
export const chromiumArgs: string[];
