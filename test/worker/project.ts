import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { build } from 'esbuild';
import { defineProject } from 'vitest/config';

const sandboxBundle = '.cache/test/sandbox.mjs';

/**
 * The worker project runs in workerd. The PayPay sandbox runs beside it as an
 * auxiliary Worker, and every outbound fetch of the test Worker goes to it, so
 * PayPay calls, recon downloads and webhooks never leave the machine.
 */
export const workerProject = defineProject({
  plugins: [
    cloudflareTest(async () => {
      // Auxiliary Workers are not bundled by Vite: build the sandbox first.
      await build({
        entryPoints: ['sandbox/index.ts'],
        bundle: true,
        format: 'esm',
        platform: 'neutral',
        target: 'es2022',
        outfile: sandboxBundle,
        external: ['cloudflare:*', 'node:*'],
        logLevel: 'warning',
      });
      return {
        wrangler: { configPath: './test/worker/wrangler.test.toml' },
        miniflare: {
          outboundService: 'sandbox',
          workers: [
            {
              name: 'sandbox',
              modules: true,
              scriptPath: sandboxBundle,
              compatibilityDate: '2026-08-01',
              compatibilityFlags: ['nodejs_compat'],
              bindings: {
                SANDBOX_API_KEY: 'sandbox_key',
                SANDBOX_API_SECRET: 'c2FuZGJveF9zZWNyZXRfZm9yX2xvY2FsX2RldmVsb3BtZW50',
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
    include: ['test/worker/**/*.test.ts'],
    // One shared sandbox merchant: files that inject PayPay faults must not overlap.
    fileParallelism: false,
  },
});
