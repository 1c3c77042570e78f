// Imported first by paypay-kyc.mjs, so that on an older Node.js the CLI says
// what it needs instead of failing later in wrangler with a less clear error.
// 22 because `sandbox` runs wrangler, and wrangler and miniflare ask for Node.js
// 22 in their `engines`; the package's own `engines` stays lower, for what its
// users run elsewhere (the element, ./server). test/e2e/node-versions.test.ts
// compares this number with the pinned wrangler's and miniflare's.
const NEEDED_MAJOR = 22;

const major = Number(process.versions.node.split('.')[0]);
if (major < NEEDED_MAJOR) {
  console.error(
    `paypay-kyc needs Node.js ${NEEDED_MAJOR} or newer; this is Node.js ${process.versions.node}.`,
  );
  process.exit(2);
}
