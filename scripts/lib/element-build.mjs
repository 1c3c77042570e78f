// The build of the element's browser bundles (vite.config.ts): plugins and
// options that change how the code is bundled and minified, never what it does.
// Dependencies are bundled as they are installed: no plugin here transforms a
// file under node_modules (test/e2e/element-build.test.ts checks it), so an
// upgrade of lit or qrcode needs nothing of this file.
import { transformSync } from 'esbuild';
import { minify as terser } from 'terser';

/**
 * Minifies the CSS of `css\`...\`` literals without `${}` in widget/*.styles.ts
 * (the JS minifier leaves template text as it is). esbuild's CSS minifier keeps
 * declarations in order and custom-property values verbatim.
 * Each becomes `unsafeCSS("...")` of its minified text: for a literal without
 * `${}`, lit's `css` tag makes the same CSSResult from the same text (it only
 * checks the values it interpolates, and caches the style sheet by literal,
 * which a module-level literal has one of anyway), and its code and error
 * messages stay out of the bundle.
 * @returns {import('vite').Plugin}
 */
export function minifyCssLiterals() {
  return {
    name: 'kyc-minify-css-literals',
    apply: 'build',
    transform: {
      // Our own style files only: the filter keeps node_modules out before the hook runs.
      filter: { id: { include: STYLE_FILES, exclude: /\/node_modules\// } },
      handler(code) {
        let count = 0;
        const out = code.replace(/\bcss`([^`$\\]*)`/g, (_, text) => {
          const { code: css } = transformSync(text, { loader: 'css', minify: true });
          count++;
          return `kycUnsafeCSS(${JSON.stringify(css.trim())})`;
        });
        if (count === 0) return null;
        // Only the literal (the file's last statement) changed, and an import declaration
        // (hoisted, wherever it is) follows it: the positions before it hold.
        return { code: `${out}\nimport { unsafeCSS as kycUnsafeCSS } from 'lit';\n`, map: null };
      },
    },
  };
}

/** The files {@link minifyCssLiterals} reads: the element's styles, widget/*.styles.ts. */
export const STYLE_FILES = /\/widget\/[\w-]+\.styles\.ts$/;

/**
 * Terser's compressor over the classic script, before vite's own minifier
 * (oxc: it mangles, and writes the output). Terser inlines what is used once
 * and folds what oxc leaves, and the two together make a smaller script than
 * either alone (163 B of gzip less than oxc alone when qrcode's source stopped
 * being rewritten). It works on the bundled chunk, after every module is read
 * as it is. No mangling here (oxc's comes after), default compress options
 * (none of terser's `unsafe` ones), two passes.
 * @returns {import('vite').Plugin}
 */
export function terserCompress() {
  return {
    name: 'kyc-terser-compress',
    apply: 'build',
    async renderChunk(code, _chunk, output) {
      if (output.format !== 'iife') return null;
      const result = await terser(code, {
        ecma: 2020,
        module: false,
        compress: { passes: 2 },
        mangle: false,
        sourceMap: output.sourcemap ? { asObject: true } : false,
      });
      if (result.code === undefined) throw new Error('terser returned no code');
      return { code: result.code, map: /** @type {any} */ (result.map) ?? null };
    },
  };
}

/** The element's build plugins, in order: vite.config.ts, and what is built to be measured beside it. */
export function elementPlugins() {
  return [minifyCssLiterals(), terserCompress()];
}

/**
 * The oldest browsers the element is built for (README "Supported browsers").
 * Safari 15 is what iPhones that cannot update past iOS 15 run; it parses no class
 * static blocks (Safari 16.4), which `target: 'es2022'` left in and which made the
 * whole script a SyntaxError there. Chrome and Edge 93, Firefox 91 (the ESR of 2021):
 * `Object.hasOwn` and everything else the element uses are there.
 */
export const browserTargets = ['chrome93', 'edge93', 'firefox91', 'safari15', 'ios15'];

/**
 * The element's `build` options that what is measured beside it shares (the
 * bench's floor, the encoder's test). Non-ASCII text (the Japanese strings)
 * comes out as \u escapes: the same strings, a smaller gzip (the escapes share
 * their bytes' codes with the code around them), and no mojibake on a page that
 * serves the script without a UTF-8 charset. oxc minifies (compress, mangle)
 * without property mangling: shortening qrcode's internal property names took a
 * list of them, one more thing to redo on each upgrade of qrcode, for 146 B.
 */
export const elementBuild = {
  target: browserTargets,
  rolldownOptions: { output: { charset: 'ascii', minify: { compress: true, mangle: true } } },
};
