// Vite plugins of the element's browser bundles (vite.config.ts): they change
// how the code is bundled and minified, never what it does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { transformSync } from 'esbuild';

/**
 * Minifies the CSS of `css\`...\`` literals without `${}` in widget/*.styles.ts
 * (the JS minifier leaves template text as it is). esbuild's CSS minifier keeps
 * declarations in order and custom-property values verbatim.
 * @returns {import('vite').Plugin}
 */
export function minifyCssLiterals() {
  return {
    name: 'kyc-minify-css-literals',
    apply: 'build',
    transform(code, id) {
      if (!/\/widget\/[\w-]+\.styles\.ts$/.test(id)) return null;
      const out = code.replace(/\bcss`([^`$\\]*)`/g, (_, text) => {
        const { code: css } = transformSync(text, { loader: 'css', minify: true });
        return `css\`${css.trim()}\``;
      });
      // Only the literal (the file's last statement) changed: the positions before it hold.
      return { code: out, map: null };
    },
  };
}

/** qrcode's encoder, `lib/core/`, as the package ships it (CommonJS). */
const QRCODE_CORE = /\/node_modules\/qrcode\/lib\/core\/[\w-]+\.js$/;
/** The shortest-path search qrcode's segmentation uses (CommonJS too). */
const DIJKSTRA = /\/node_modules\/dijkstrajs\/dijkstra\.js$/;

/**
 * qrcode's encoder (CommonJS: `require`, `exports.x = ...`) rewritten as ES
 * modules, line for line, so the bundler can hoist it into one scope, shorten
 * its names and drop what the element never calls. Only the shapes that
 * qrcode 1.5's core uses are rewritten; anything else left over fails the build.
 * Its one dependency, dijkstrajs, goes the same way (no CommonJS interop left).
 * test/e2e/qrcode-core.test.ts checks the rewritten encoder against the original.
 * @returns {import('vite').Plugin}
 */
export function qrcodeCoreAsEsm() {
  return {
    name: 'kyc-qrcode-core-as-esm',
    apply: 'build',
    transform(code, id) {
      if (QRCODE_CORE.test(id)) return { code: coreModuleAsEsm(code, id), map: null };
      if (DIJKSTRA.test(id)) return { code: dijkstraAsEsm(code, id), map: null };
      return null;
    },
  };
}

/**
 * One module of qrcode's core, as an ES module.
 * @param {string} code
 * @param {string} id its path
 * @returns {string}
 */
export function coreModuleAsEsm(code, id) {
  const isDefaultExport = (name) =>
    /\bmodule\.exports\s*=/.test(readFileSync(join(dirname(id), `${name}.js`), 'utf8'));
  let out = code
    // const getSymbolSize = require('./utils').getSymbolSize
    .replace(
      /^const (\w+) = require\('\.\/([\w-]+)'\)\.(\w+)$/gm,
      (_, local, name, prop) => `import { ${prop} as ${local} } from './${name}.js'`,
    )
    // const Mode = require('./mode'): its namespace, or its one `module.exports`
    .replace(/^const (\w+) = require\('\.\/([\w-]+)'\)$/gm, (_, local, name) =>
      isDefaultExport(name)
        ? `import ${local} from './${name}.js'`
        : `import * as ${local} from './${name}.js'`,
    )
    // const dijkstra = require('dijkstrajs'): a CommonJS package, imported as one
    .replace(/^const (\w+) = require\('([\w-]+)'\)$/gm, `import $1 from '$2'`)
    .replace(/^module\.exports = (\w+)$/gm, 'export default $1')
    // exports.from = function from (...): a declaration (hoisted; nothing reads it earlier)
    .replace(/^exports\.(\w+) = function(?: \w+)? ?\(/gm, 'export function $1 (')
    .replace(/^exports\.(\w+) = /gm, 'export const $1 = ')
    // exports.isValid(...) inside the module: its own binding now
    .replace(/\bexports\.(\w+)/g, '$1');
  const left = /\brequire\s*\(|\bmodule\.exports\b|\bexports\b(?=\s*[.[=])/.exec(
    out.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''),
  );
  if (left) {
    throw new Error(
      `${id}: "${left[0]}" is a CommonJS shape this rewrite does not know (has qrcode changed?)`,
    );
  }
  return out;
}

/**
 * dijkstrajs as an ES module: its one export, `module.exports = dijkstra`
 * (guarded for browsers), as the default export.
 * @param {string} code
 * @param {string} id its path
 * @returns {string}
 */
export function dijkstraAsEsm(code, id) {
  const guard = /^if \(typeof module !== 'undefined'\) \{\s*module\.exports = dijkstra;?\s*\}$/m;
  if (!guard.test(code)) {
    throw new Error(
      `${id}: its export is not where this rewrite expects it (has dijkstrajs changed?)`,
    );
  }
  return code.replace(guard, 'export default dijkstra');
}
