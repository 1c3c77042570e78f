import { describe, expect, it } from 'vitest';
import { api, merchant, openApiProblems } from './support';
import { cli, events, onSandbox, onWorker, trigger, type Event } from './cli';

describe('paypay-kyc against the stack', () => {
  it('trigger makes the sandbox send a webhook; events shows what the Worker recorded', async () => {
    const uaid = `cli-${crypto.randomUUID()}`;
    const notificationId = await trigger('kyc', uaid);
    const { events: seen } = await events();
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'kyc.updated', userAuthorizationId: uaid, notificationId }),
    );
    const text = await cli(['events', ...onWorker()]);
    expect(text.stdout).toMatch(new RegExp(`kyc\\.updated +${uaid}  source=webhook`));
  });

  it('events --json pages by --limit and resumes after the cursor it printed', async () => {
    const { cursor: before } = await events();
    const uaid = `cli-${crypto.randomUUID()}`;
    const sent: string[] = [];
    for (const kind of ['kyc', 'risk', 'account-status']) sent.push(await trigger(kind, uaid));
    const paged = await events(before, 1);
    const ids = paged.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    const mine = paged.events.filter((e) => e.userAuthorizationId === uaid && e.notificationId);
    expect(mine.map((e) => [e.type, e.notificationId])).toEqual([
      ['kyc.updated', sent[0]],
      ['risk.flagged', sent[1]],
      ['account_status.updated', sent[2]],
    ]);
    expect(Number(paged.cursor)).toBeGreaterThan(Number(before));
    const after = await events(paged.cursor);
    expect(after.events.map((e) => e.id).filter((id) => ids.includes(id))).toEqual([]);
    const wrong = await cli(['events', ...onWorker(), '--after', 'x']);
    expect(wrong.code).toBe(2);
    const refused = await cli(['events', ...onWorker()], {
      MERCHANT_API_TOKEN: 'not-the-token-0123456789',
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused the token \(401 UNAUTHORIZED\)/);
  });

  it('recon makes and announces a file; the Worker reads it and reports the users it missed', async () => {
    const run = await cli(['recon', 'kyc', '--ids', '2', ...onSandbox(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const file = JSON.parse(run.stdout) as {
      fileType: string;
      fileName: string;
      userAuthorizationIds: string[];
      deliveries: unknown[];
    };
    expect(file.fileType).toBe('kyc_passport_sync_recon');
    expect(file.fileName).toMatch(/^kyc_passport_.+\.csv$/);
    expect(file.userAuthorizationIds).toHaveLength(2);
    expect(file.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    expect(run.stdout).not.toContain('token=');
    const deadline = Date.now() + 20_000;
    let missed: Event[] = [];
    while (missed.length < 2 && Date.now() < deadline) {
      const { events: seen } = await events();
      missed = seen.filter(
        (e) =>
          e.type === 'recon.missed' && file.userAuthorizationIds.includes(e.userAuthorizationId!),
      );
      if (missed.length < 2) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(missed).toHaveLength(2);
    const created = await cli([
      'recon',
      'risk',
      'user-a',
      'user-b',
      ...onSandbox(),
      '--create-only',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(
      /^Created kyc_passport_risk_.+ \(2 users\), not announced; download: http/,
    );
  });

  it('approve <sessionId> plays the phone for a session made through the Worker: completed', async () => {
    const created = await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ referenceId: 'cli-approve' }),
    });
    expect(created.status).toBe(201);
    const { sessionId } = created.json() as { sessionId: string };
    const run = await cli(['approve', sessionId, ...onWorker(), ...onSandbox()]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Phone: complete \(the sandbox answered 303\)$/m);
    expect(run.stdout).toMatch(
      /^Callback: 200 completed \(Worker request id: req_[0-9a-f]{24}\)$/m,
    );
    expect(run.stdout).toMatch(/^Session: completed$/m);
    const view = (await api(`/v1/sessions/${sessionId}`)).json() as {
      status: string;
      resultToken: string;
    };
    expect(view.status).toBe('completed');
    expect(run.stdout + run.stderr).not.toContain(view.resultToken);
    expect(run.stdout).not.toContain('responseToken');
    // Answered already: nothing to approve.
    const again = await cli(['approve', sessionId, ...onWorker(), ...onSandbox()]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is completed, not pending');
  });

  it('approve <qrUrl> --outcome decline: the session fails as declined; an unknown outcome is refused', async () => {
    const created = await api('/v1/sessions', {
      method: 'POST',
      headers: { ...merchant(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    const { sessionId, qrUrl } = created.json() as { sessionId: string; qrUrl: string };
    const unknown = await cli(['approve', qrUrl, '--outcome', 'shrug']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('complete, decline, kyc_not_completed');
    const run = await cli(['approve', qrUrl, '--outcome', 'decline', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      outcome: 'decline',
      phone: { status: 303 },
      callback: { status: 200, page: 'failed' },
    });
    const view = (await api(`/v1/sessions/${sessionId}`)).json();
    expect(view).toMatchObject({ status: 'failed', error: { reason: 'declined' } });
  });

  it('doctor runs the checks of the doctor route (exit 0)', async () => {
    const run = await cli(['doctor', ...onWorker(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { check: string; ok: boolean }[];
    const checks = 'settings clock signature scopes endpoints callback webhooks recon ingest';
    expect(rows.map((row) => row.check)).toEqual(checks.split(' '));
    expect(rows.every((row) => row.ok)).toBe(true);
  });

  it('feed reshard asks the Worker, which refuses a count other than FEED_SHARDS (exit 2)', async () => {
    // The stack runs one shard: growing to 2 names the configured count, and moves nothing.
    const run = await cli(['feed', 'reshard', ...onWorker(), '--from', '1', '--to', '2']);
    expect(run.code, run.stdout).toBe(2);
    expect(run.stderr).toContain('400 INVALID_FIELD: to must be FEED_SHARDS as configured (1)');
    const shrink = await cli(['feed', 'reshard', ...onWorker(), '--from', '2', '--to', '1']);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toContain('only grows');
  });

  it('dead-letters lists none on a healthy stack, and --replay has nothing to send (exit 0)', async () => {
    const listed = await cli(['dead-letters', ...onWorker(), '--json']);
    expect([listed.code, listed.stdout]).toEqual([0, '']);
    expect(listed.stderr).toContain('No dead letters');
    const replayed = await cli(['dead-letters', ...onWorker(), '--replay', '--json']);
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual({ replayed: 0, skipped: 0, remaining: 0 });
  });

  it('every Worker answer of this file matches docs/openapi.json', () => {
    expect(openApiProblems()).toEqual([]);
  });
});
