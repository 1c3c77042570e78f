import { defineConfig } from 'vite';
import { elementBuild, elementPlugins } from './scripts/lib/element-build.mjs';

/**
 * Builds the element for merchants: an ES module and a classic script, each
 * with Lit and the QR encoder inside, so one <script> tag is all a page needs.
 * Lit and qrcode go in as installed: the plugins (scripts/lib/element-build.mjs)
 * minify our styles and the bundle, and transform no dependency's file.
 * The classic script has a size budget (scripts/lib/budget.mjs), checked by every build.
 */
export default defineConfig({
  plugins: elementPlugins(),
  build: {
    ...elementBuild,
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    lib: {
      entry: 'widget/index.ts',
      name: 'PayPayKycPassport',
      formats: ['es', 'iife'],
      fileName: (format) =>
        format === 'es' ? 'paypay-kyc-passport.js' : 'paypay-kyc-passport.iife.js',
    },
  },
});
