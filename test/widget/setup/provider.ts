import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vitest/config';

/** How the test merchant's provider behaves; the browser tests switch it by command. */
export const providerState = { mode: 'ok' as 'ok' | 'fail', calls: 0 };

const CUSTOMER = {
  referenceId: 'customer-0042',
  kycData: {
    lastName: '山田',
    firstName: '太郎',
    lastNameKana: 'ヤマダ',
    firstNameKana: 'タロウ',
    dateOfBirth: '1990-04-01',
  },
};

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

/**
 * A merchant's `session-provider` on the test page's own origin: it checks the
 * customer's cookie, creates the session through the Worker with the bearer
 * token and its own referenceId/kycData, and returns the Worker's JSON unchanged.
 */
export function testProvider(): Plugin {
  return {
    name: 'kyc-test-provider',
    configureServer(server) {
      server.middlewares.use('/test-provider', (req: IncomingMessage, res: ServerResponse) => {
        void (async () => {
          providerState.calls += 1;
          const send = (status: number, body: string, type = 'application/json') => {
            res.writeHead(status, { 'Content-Type': type });
            res.end(body);
          };
          if (req.method !== 'POST')
            return send(
              405,
              '{"error":{"code":"METHOD_NOT_ALLOWED","message":"POST","requestId":"p"}}',
            );
          if (!/(^|;\s*)customer=customer-0042/.test(req.headers.cookie ?? '')) {
            return send(
              401,
              '{"error":{"code":"NOT_SIGNED_IN","message":"Sign in first","requestId":"prov-1"}}',
            );
          }
          if (providerState.mode === 'fail')
            return send(500, '<h1>Internal Server Error</h1>', 'text/html');
          const { lang } = JSON.parse((await readBody(req)) || '{}') as { lang?: string };
          const stack = JSON.parse(process.env.WIDGET_STACK ?? '{}') as {
            workerUrl: string;
            merchantApiToken: string;
          };
          const answer = await fetch(`${stack.workerUrl}/v1/sessions`, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${stack.merchantApiToken}`,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify({ ...CUSTOMER, lang }),
          });
          send(answer.status, await answer.text());
        })();
      });
    },
  };
}
