import { describe, expect, it } from 'vitest';
import { reconDownload } from '../../sandbox/recon';
import { admin, BASE, deliveries, registerMerchant } from './support';

const encoder = new TextEncoder();

describe('recon files', () => {
  it('creates the CSV, announces it with file.created and serves the exact bytes', async () => {
    const merchant = await registerMerchant({
      merchantId: 'M42',
      webhookUrls: { recon: 'https://merchant.test/hooks/recon' },
    });
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_risk_sync_recon',
      userAuthorizationIds: ids,
    });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as {
      notificationId: string;
      path: string;
      deliveries: { status: number }[];
    };
    expect(answer.notificationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(answer.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    expect(answer.path).toMatch(
      new RegExp(
        `^${BASE}/recon/${merchant.tenant}/[0-9a-f]+/kyc_passport_risk_M42_(\\d{8})_\\1\\.csv\\?token=\\w+$`,
      ),
    );
    expect(answer.path).not.toContain(merchant.apiKey);

    const [delivery] = await deliveries(merchant);
    const payload = JSON.parse(delivery?.body ?? '') as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual([
      'notification_type',
      'notification_id',
      'fileType',
      'path',
      'requestedAt',
    ]);
    expect(payload).toMatchObject({
      notification_type: 'file.created',
      notification_id: answer.notificationId,
      fileType: 'kyc_passport_risk_sync_recon',
      path: answer.path,
    });
    expect(payload.requestedAt).toMatch(/^\d{10}$/);
    expect(delivery).toMatchObject({ kind: 'recon', url: 'https://merchant.test/hooks/recon' });

    const file = await fetch(answer.path);
    expect(file.status).toBe(200);
    expect(file.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes).toEqual(encoder.encode(`userAuthorizationId\r\n${ids[0]}\r\n${ids[1]}\r\n`));
  });

  it.each([
    ['kyc_passport_sync_recon', 'kyc_passport_M1_'],
    ['kyc_passport_account_status_sync_recon', 'kyc_passport_account_status_M1_'],
  ])('names a %s file as PayPay does', async (fileType, prefix) => {
    const merchant = await registerMerchant({ merchantId: 'M1' });
    const res = await admin(merchant, 'POST', '/recon', {
      fileType,
      userAuthorizationIds: [],
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    expect(new URL(path).pathname.split('/').pop()).toMatch(
      new RegExp(`^${prefix}\\d{8}_\\d{8}\\.csv$`),
    );
    expect(await (await fetch(path)).text()).toBe('userAuthorizationId\r\n');
    expect(await deliveries(merchant)).toEqual([]);
  });

  it('answers 404 to a wrong or missing token', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['u-1'],
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    const url = new URL(path);
    url.searchParams.set('token', 'guess');
    expect((await fetch(url)).status).toBe(404);
    url.searchParams.delete('token');
    expect((await fetch(url)).status).toBe(404);
    expect((await fetch(path)).status).toBe(200);
  });

  it('generates large files at download time, after the listed ids', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['listed-1'],
      generate: { prefix: 'gen-', count: 3 },
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    expect(await (await fetch(path)).text()).toBe(
      'userAuthorizationId\r\nlisted-1\r\ngen-0\r\ngen-1\r\ngen-2\r\n',
    );
  });

  it('streams a 1,000,000-id generated file as it is made, every id once', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      generate: { prefix: 'g', count: 1_000_000 },
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    const response = await fetch(path);
    expect(response.headers.get('Content-Length')).toBeNull();
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let lines = 0;
    let chunks = 0;
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      const text = tail + value;
      const parts = text.split('\r\n');
      tail = parts.pop() ?? '';
      lines += parts.length;
      if (lines === parts.length) expect(parts.slice(0, 2)).toEqual(['userAuthorizationId', 'g0']);
      if (tail === '' && lines === 1_000_001) expect(parts.at(-1)).toBe('g999999');
    }
    expect(tail).toBe('');
    expect(lines).toBe(1_000_001);
    expect(chunks).toBeGreaterThan(100);
  });

  it('names a file for the days asked', async () => {
    const merchant = await registerMerchant({ merchantId: 'M7' });
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      period: { from: '2026-08-01', to: '2026-08-03' },
      notify: false,
    });
    const { fileName } = (await res.json()) as { fileName: string };
    expect(fileName).toBe('kyc_passport_M7_20260801_20260803.csv');
  });

  it('fails the first downloads when asked, and counts every download', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: ['u-1'],
      failures: 2,
      notify: false,
    });
    const { path, fileId } = (await res.json()) as { path: string; fileId: string };
    expect((await fetch(path)).status).toBe(503);
    expect((await fetch(path)).status).toBe(503);
    expect((await fetch(path)).status).toBe(200);
    const file = await (await admin(merchant, 'GET', `/files/${fileId}`)).json();
    expect(file).toMatchObject({ fileId, downloads: 3 });
    expect((await admin(merchant, 'GET', '/files/nope')).status).toBe(404);
  });

  it('serves a file through a redirect when asked', async () => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      redirectTo: 'https://storage.test/elsewhere.csv',
      notify: false,
    });
    const { path } = (await res.json()) as { path: string };
    const answer = await fetch(path, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('Location')).toBe('https://storage.test/elsewhere.csv');
  });

  it.each([
    [{ generate: { prefix: 'bad prefix', count: 1 } }],
    [{ generate: { prefix: 'p', count: 2_000_001 } }],
    [{ period: { from: '2026-08-02', to: '2026-08-01' } }],
    [{ period: { from: '2026-02-30', to: '2026-03-01' } }],
    [{ period: '2026-08-01' }],
    [{ failures: 11 }],
    [{ redirectTo: 'ftp://x.test/a' }],
  ])('refuses a recon request with %j', async (extra) => {
    const merchant = await registerMerchant();
    const res = await admin(merchant, 'POST', '/recon', {
      fileType: 'kyc_passport_sync_recon',
      userAuthorizationIds: [],
      notify: false,
      ...extra,
    });
    expect(res.status).toBe(400);
  });

  it('stops serving a file after the 2 h acquisition window', () => {
    const file = {
      fileId: 'f1',
      fileType: 'kyc_passport_sync_recon' as const,
      fileName: 'kyc_passport_M1_20260101_20260101.csv',
      token: 'secret-token',
      userAuthorizationIds: ['u-1'],
      expiresAt: 1_000_000 + 7200,
    };
    expect(reconDownload(file, file.fileName, 'secret-token', 1_000_000 + 7199)?.status).toBe(200);
    expect(reconDownload(file, file.fileName, 'secret-token', 1_000_000 + 7200)).toBeNull();
    expect(reconDownload(file, 'other.csv', 'secret-token', 1_000_000)).toBeNull();
  });
});
