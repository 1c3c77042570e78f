// `npm start`: build the element, then run sandbox + Worker + demo site locally.
import { spawnSync } from 'node:child_process';
import { seedActivity } from './lib/seed.mjs';
import { startStack } from './lib/stack.mjs';

const build = spawnSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = (name, fallback) => Number(process.env[name] ?? fallback);
const stack = await startStack({
  sandboxPort: port('SANDBOX_PORT', 8788),
  workerPort: port('WORKER_PORT', 8787),
  demoPort: port('DEMO_PORT', 5173),
  // Production's every-minute cron trigger: recon retries, re-reads, forwarding retries.
  cron: true,
});

// Something for the console to show on a fresh stack (scripts/lib/seed.mjs).
const seeded = await seedActivity(stack).catch(() => null);

console.log(`
  PayPay KYC Passport, running locally (no PayPay account needed)

  Demo merchant page   ${stack.demoUrl}/
  Console              ${stack.workerUrl}/console/${seeded ? `  (seeded: ${seeded.verifications} verifications, ${seeded.webhooks} webhooks, ${seeded.reconFiles} recon files)` : ''}
  Worker               ${stack.workerUrl}/healthz
  PayPay sandbox       ${stack.sandboxUrl}/

  Open the demo page, then open the QR's link (or scan it) to play the PayPay user.
  Ctrl+C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
