import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../scripts/lib/stack.mjs';
import { sandboxAdmin } from '../../scripts/lib/sandbox-client.mjs';

// A stack of its own, started as `npm start` starts it (cron on): the shared e2e
// stack keeps no timer, so the journeys see no background runs they did not cause.
let stack: Stack;
const lines: string[] = [];

beforeAll(async () => {
  stack = await startStack({
    demo: false,
    cron: true,
    persistTo: `.wrangler/test-e2e-cron-${process.pid}`,
    log: (line) => lines.push(line),
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function feedTypes(uaid: string): Promise<string[]> {
  const response = await fetch(`${stack.workerUrl}/v1/events?limit=500`, {
    headers: { Authorization: `Bearer ${stack.merchantApiToken}` },
  });
  const page = (await response.json()) as {
    events: { type: string; userAuthorizationId?: string }[];
  };
  return page.events.filter((e) => e.userAuthorizationId === uaid).map((e) => e.type);
}

describe('npm start fires the scheduled handler every minute', () => {
  it('says so once', () => {
    expect(lines.filter((line) => line.startsWith('[cron] firing'))).toHaveLength(1);
  });

  it('retries a failed recon download on a cron run, as production does', async () => {
    const uaid = `cron-${crypto.randomUUID()}`;
    const answer = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [uaid],
      failures: 1,
    });
    expect(answer.status).toBe(200);
    const created = answer.body as { fileId: string };
    const downloads = async () =>
      (
        (await sandboxAdmin(stack.sandboxUrl, 'GET', `/files/${created.fileId}`)).body as {
          downloads: number;
        }
      ).downloads;
    // The receiver's own first try meets the planted 503.
    await expect.poll(downloads, { timeout: 10_000 }).toBe(1);
    expect(await feedTypes(uaid)).toEqual([]);
    // A cron run after the retry's back-off (60 s) downloads it again.
    expect(await stack.cron?.fire(Date.now() + 2 * 60_000)).toBe(true);
    await expect.poll(downloads, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => feedTypes(uaid), { timeout: 10_000 }).toContain('recon.missed');
  });
});
