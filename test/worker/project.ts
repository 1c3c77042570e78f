import { availableParallelism } from 'node:os';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { build } from 'esbuild';
import { defineProject } from 'vitest/config';
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from '../../scripts/lib/stack.mjs';

/**
 * The sandbox bundled once per run, in memory: the plugin asks for its options
 * once per test file, and files start in parallel (a shared file on disk would
 * be rewritten while another workerd reads it, also by other runs of the repo).
 */
let sandboxScript: Promise<string> | undefined;
function bundleSandbox(): Promise<string> {
  // Auxiliary Workers are not bundled by Vite.
  sandboxScript ??= build({
    entryPoints: ['sandbox/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    external: ['cloudflare:*', 'node:*'],
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]!.text);
  return sandboxScript;
}

/**
 * The Worker's settings in tests, over the real wrangler.jsonc: PayPay is the
 * sandbox. Every setting the Worker reads is named, so a developer's .dev.vars
 * (which wrangler also loads) never reaches the tests.
 */
const TEST_SETTINGS: Record<string, string> = {
  PAYPAY_API_BASE_URL: 'https://sandbox.test',
  PAYPAY_API_KEY: SANDBOX_API_KEY,
  PAYPAY_API_SECRET: SANDBOX_API_SECRET,
  // Derived from the key, as on a deployment that does not set it.
  PAYPAY_CLIENT_ID: '',
  PAYPAY_MERCHANT_ID: '',
  PAYPAY_SCOPES: '',
  PAYPAY_ENDPOINTS: '',
  PAYPAY_FIELDS: '',
  USER_KYC_INFO: 'on',
  ALLOWED_ORIGINS: 'https://shop.example',
  CALLBACK_URL: 'https://kyc.example/v1/callback',
  MERCHANT_API_TOKEN: 'test_merchant_token_0123456789abcdef',
  // The local stack and the tests run as development: open webhooks, http on loopback.
  // Honoured for requests to a loopback host only: the tests use WORKER_ORIGIN (support/flow.ts).
  ENVIRONMENT: 'development',
  WEBHOOK_ALLOWED_CIDRS: '',
  WEBHOOK_PATH_TOKEN: '',
  RECON_ALLOWED_HOSTS: 'sandbox.test',
  MERCHANT_WEBHOOK_URL: '',
  MERCHANT_WEBHOOK_SECRET: '',
  SESSION_RATE_LIMIT_PER_MINUTE: '10',
  // Most tests post ids the sandbox does not know; test/worker/attacks/notifications.test.ts sets its own.
  UNCONFIRMED_REREADS_PER_MINUTE: '1000',
  // The default: a cron run claims this many re-reads (a recon file's users wait for it).
  PAYPAY_REREADS_PER_MINUTE: '300',
  // Files share a workerd: a global cap would couple them (attacks/sessions.test.ts lowers it).
  SESSION_GLOBAL_LIMIT_PER_MINUTE: '100000',
  PUBLIC_SESSIONS: 'on',
  // No signing key: receipts are signed with the deployment's dev key (development);
  // test/worker/receipts/ sets keys of its own.
  RECEIPT_SIGNING_KEY: '',
  RECEIPT_PREVIOUS_KEYS: '',
  RECEIPT_RETENTION_DAYS: '2557',
};

/** A queue consumer of wrangler.jsonc, as wrangler reads it. */
interface ConsumerConfig {
  queue: string;
  max_batch_size?: number;
  max_retries?: number;
  dead_letter_queue?: string;
  retry_delay?: number;
}

/**
 * The queue consumers of wrangler.jsonc as they are, but for the batch
 * timeout: 0, so a message the real local queues carry reaches the consumer
 * at once instead of after a second. A consumer's entry replaces the one the
 * plugin read, so each keeps its other settings here. (call() and cron() hand
 * their messages to the consumer themselves: support/queues.ts.)
 */
async function queueConsumersAtOnce(): Promise<Record<string, object>> {
  const name = 'wrangler'; // a variable: wrangler's typings would bring the Workers globals in
  const wrangler = (await import(name)) as {
    experimental_readRawConfig(args: { config: string }): {
      rawConfig: { queues?: { consumers?: ConsumerConfig[] } };
    };
  };
  const { rawConfig } = wrangler.experimental_readRawConfig({ config: './wrangler.jsonc' });
  return Object.fromEntries(
    (rawConfig.queues?.consumers ?? []).map((consumer) => [
      consumer.queue,
      {
        maxBatchSize: consumer.max_batch_size,
        maxBatchTimeout: 0,
        maxRetries: consumer.max_retries,
        deadLetterQueue: consumer.dead_letter_queue,
        retryDelay: consumer.retry_delay,
      },
    ]),
  );
}

/**
 * The worker project runs in workerd: the Worker of wrangler.jsonc with
 * TEST_SETTINGS, the tests of test/worker/, test/server/ and test/sandbox/. The PayPay sandbox
 * runs beside it as an auxiliary Worker, and every outbound fetch of the test
 * Worker goes to it, so PayPay calls, recon downloads and webhooks never leave
 * the machine.
 *
 * Each test file gets a workerd of its own (`isolate: true`), and with it its own
 * sandbox, KV and Durable Objects: the sandbox's default merchant, the one the
 * Worker signs as, is that file's alone, so files run in parallel without seeing
 * each other's faults, counters or users.
 */
export const workerProject = defineProject({
  plugins: [
    cloudflareTest(async () => {
      const sandbox = await bundleSandbox();
      return {
        wrangler: { configPath: './wrangler.jsonc' },
        miniflare: {
          bindings: TEST_SETTINGS,
          queueConsumers: await queueConsumersAtOnce(),
          outboundService: 'sandbox',
          workers: [
            {
              name: 'sandbox',
              modules: true,
              script: sandbox,
              compatibilityDate: '2026-08-01',
              compatibilityFlags: ['nodejs_compat'],
              bindings: {
                // The local stack's default merchant (scripts/lib/stack.mjs), PayPay-shaped key included.
                SANDBOX_API_KEY,
                SANDBOX_API_SECRET,
                SANDBOX_WEBHOOK_URLS: '{}',
              },
              durableObjects: { MERCHANTS: { className: 'SandboxMerchant', useSQLite: true } },
              // Webhooks the sandbox sends land here: a merchant that answers 200,
              // or the status named by a `status=` query parameter.
              outboundService: (request: Request) => {
                const status = Number(new URL(request.url).searchParams.get('status') ?? 200);
                return new Response('OK', { status });
              },
            },
          ],
        },
      };
    }),
  ],
  test: {
    name: 'worker',
    include: ['test/worker/**/*.test.ts', 'test/server/**/*.test.ts', 'test/sandbox/**/*.test.ts'],
    isolate: true,
    // The tests mostly wait (timeouts, retries, KV's once a second), so two workerds per
    // core (vitest's default leaves one core idle); at most 8, each is a process.
    maxWorkers: Math.min(2 * availableParallelism(), 8),
    // Two workerds per core wait on each other on a loaded two-core machine: a test
    // that takes 1 s alone took 6.5 s there. Slow is not wrong; a hang still fails.
    testTimeout: 20_000,
  },
});
