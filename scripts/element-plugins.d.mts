/** Types of scripts/element-plugins.mjs for vite.config.ts and the tests of the rewrite. */
import type { Plugin } from 'vite';
export function minifyCssLiterals(): Plugin;
export function qrcodeCoreAsEsm(): Plugin;
export function qrcodeForTheElement(): Plugin;
export function terserCompress(): Plugin;
export const ENCODER_PROPERTIES: string[];
export const elementMinify: {
  compress: true;
  mangle: true;
  mangleProps: { include: RegExp };
};
export function elementPlugins(): Plugin[];
export const elementBuild: {
  target: string;
  rolldownOptions: { output: { charset: 'ascii'; minify: typeof elementMinify } };
};
export function coreModuleAsEsm(code: string, id: string): string;
export function dijkstraAsEsm(code: string, id: string): string;
