// `npm run bench`: performance figures, printed, never asserted. Each bench is a
// module in bench/ (NN-name.mjs) exporting `name` and `run(log)`.
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => /^\d+-.+\.mjs$/.test(f))
  .sort();
for (const file of files) {
  const bench = await import(new URL(file, dir).href);
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${bench.name}`);
  await bench.run((line) => console.log(`  ${line}`));
}
