import { defineConfig } from 'vite';
import {
  elementMinify,
  minifyCssLiterals,
  qrcodeCoreAsEsm,
  qrcodeForTheElement,
  terserCompress,
} from './scripts/element-plugins.mjs';

/**
 * Builds the element for merchants: an ES module and a classic script, each
 * with Lit and the QR encoder inside, so one <script> tag is all a page needs.
 * The classic script has a size budget (scripts/budget.mjs), checked by every build.
 */
export default defineConfig({
  plugins: [minifyCssLiterals(), qrcodeForTheElement(), qrcodeCoreAsEsm(), terserCompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      // Non-ASCII text (the Japanese strings) as \u escapes: the same strings, a smaller
      // gzip (the escapes share their bytes' codes with the code around them), and no
      // mojibake on a page that serves the script without a UTF-8 charset.
      output: { charset: 'ascii', minify: elementMinify },
    },
    lib: {
      entry: 'widget/index.ts',
      name: 'PayPayKycPassport',
      formats: ['es', 'iife'],
      fileName: (format) =>
        format === 'es' ? 'paypay-kyc-passport.js' : 'paypay-kyc-passport.iife.js',
    },
  },
});
