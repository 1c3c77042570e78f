// `npm run bench`: performance figures, printed, never asserted. Each bench is a
// module in scripts/bench/ exporting `name` and `run(log)`.
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const dir = new URL('./bench/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .sort();
for (const file of files) {
  const bench = await import(new URL(file, dir).href);
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${bench.name}`);
  await bench.run((line) => console.log(`  ${line}`));
}
