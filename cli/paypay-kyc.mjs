#!/usr/bin/env node
// `paypay-kyc`: the package's command-line tool (docs/cli.md). One module per
// command in this folder; plain ESM on Node's built-ins, no build step.
import './node-version.mjs'; // first: the Node.js check runs before anything else
import { readFileSync } from 'node:fs';
import { UsageError, runMain } from './common.mjs';

const COMMANDS = {
  doctor: () => import('./doctor.mjs'),
  sandbox: () => import('./sandbox.mjs'),
  trigger: () => import('./trigger.mjs'),
  recon: () => import('./recon.mjs'),
  approve: () => import('./approve.mjs'),
  events: () => import('./events.mjs'),
  feed: () => import('./feed.mjs'),
  'dead-letters': () => import('./dead-letters.mjs'),
  deliveries: () => import('./deliveries.mjs'),
  resend: () => import('./resend.mjs'),
  listen: () => import('./listen.mjs'),
  status: () => import('./status.mjs'),
  receipt: () => import('./receipt.mjs'),
};

async function usage() {
  const rows = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, load]) => [name, (await load()).summary]),
  );
  return `Usage: paypay-kyc <command> [flags]

PayPay KYC Passport from a terminal: check a deployed Worker, run the PayPay
sandbox, make it send webhooks and recon files, play the user on its phone page,
tail a Worker's event feed, grow it to more shards, replay the notifications
it could not record, see and resend its forwards, forward its events to a local
server, print its overview, and make the receipt signing key and check receipts.

Commands:
${rows.map(([name, text]) => `  ${name.padEnd(12)} ${text}`).join('\n')}

Run \`paypay-kyc <command> --help\` for its flags. Environment: PAYPAY_KYC_ENDPOINT
(--endpoint), MERCHANT_API_TOKEN (--token), PAYPAY_KYC_SANDBOX (--sandbox),
SANDBOX_API_KEY (--api-key).

Exit status: 0 done, 1 done but the result failed, 2 usage error or could not run.`;
}

async function main(argv) {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('A command is required.', await usage());
  if (first === 'help' || first === '--help' || first === '-h') {
    const name = first === 'help' ? rest[0] : undefined;
    if (name === undefined) {
      console.log(await usage());
      return 0;
    }
    if (!Object.hasOwn(COMMANDS, name))
      throw new UsageError(`Unknown command '${name}'.`, await usage());
    console.log((await COMMANDS[name]()).usage);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    console.log(pkg.version);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, first)) {
    const what = first.startsWith('-') ? `Unknown flag '${first}'` : `Unknown command '${first}'`;
    throw new UsageError(`${what}.`, await usage());
  }
  return (await COMMANDS[first]()).run(rest);
}

await runMain(main, process.argv.slice(2));
