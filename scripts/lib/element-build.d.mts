/** Types of scripts/lib/element-build.mjs for vite.config.ts and the element build's tests. */
import type { Plugin } from 'vite';
export function minifyCssLiterals(): Plugin;
export const STYLE_FILES: RegExp;
export function terserCompress(): Plugin;
export function elementPlugins(): Plugin[];
export const elementBuild: {
  target: string;
  rolldownOptions: {
    output: { charset: 'ascii'; minify: { compress: true; mangle: true } };
  };
};
