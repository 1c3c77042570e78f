// What `npm start` puts in a fresh local stack so that the console has
// something to show: a few verifications through the sandbox's phone (most
// completed, one declined), a webhook of each kind for those users, and a week
// of recon files with one day's file left out (the calendar shows it missing).
// Skipped when the Worker has counted anything before (a restarted stack).
import { playPhone, sandboxAdmin } from './sandbox-client.mjs';

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;

/** The JST day `daysAgo` days before today, yyyy-mm-dd. */
function jstDay(daysAgo, now = Date.now()) {
  return new Date(now + JST_MS - daysAgo * DAY_MS).toISOString().slice(0, 10);
}

async function merchantCall(stack, path, body) {
  const response = await fetch(`${stack.workerUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${stack.merchantApiToken}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return response.json();
}

/** One verification played on the phone; the user's id when it completed. */
async function verification(stack, outcome) {
  const created = await merchantCall(stack, '/v1/sessions', { referenceId: 'seed' });
  const view = () => merchantCall(stack, `/v1/sessions/${created.sessionId}`);
  await view();
  await playPhone(created.qrUrl, outcome);
  if (outcome !== 'complete') return null;
  const { resultToken } = await view();
  const answer = await merchantCall(stack, '/v1/results/exchange', { resultToken });
  return answer.userAuthorizationId ?? null;
}

/**
 * Seeds `stack` unless it has activity already; answers what it made, for the
 * start banner, or null when it left the stack as it was.
 */
export async function seedActivity(stack) {
  const counted = await merchantCall(stack, '/v1/metrics?step=day');
  if (Object.keys(counted.counters ?? {}).length > 0) return null;
  const users = [];
  for (const outcome of ['complete', 'complete', 'complete', 'decline', 'complete', 'complete']) {
    const uaid = await verification(stack, outcome);
    if (uaid !== null) users.push(uaid);
  }
  for (const [i, kind] of ['kyc', 'risk', 'account-status'].entries()) {
    await sandboxAdmin(stack.sandboxUrl, 'POST', '/webhooks', {
      kind,
      userAuthorizationId: users[i % users.length],
    });
  }
  // A week of the KYC recon file, 3 days ago's never sent: the calendar shows it missing.
  let files = 0;
  for (let daysAgo = 1; daysAgo <= 7; daysAgo++) {
    if (daysAgo === 3) continue;
    const day = jstDay(daysAgo);
    const made = await sandboxAdmin(stack.sandboxUrl, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: users,
      period: { from: day, to: day },
      notify: true,
    });
    if (made.status < 300) files++;
  }
  return { verifications: 6, users: users.length, webhooks: 3, reconFiles: files };
}
