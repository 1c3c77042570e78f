// What the webhook and recon benches send and read over loopback: PayPay's
// notifications, feed pages, and a pool that keeps a number of them in flight.

/** PayPay's notification types, by our receiver kind (the path's last segment). */
export const NOTIFICATION_TYPES = {
  kyc: 'kyc_passport.kyc_info.updated',
  risk: 'kyc_passport.risk.update',
  'account-status': 'kyc_passport.account_status.updated',
};

/** A GET that retries a dropped connection (wrangler dev's proxy drops some under load). */
export async function getText(url, headers) {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url, { headers });
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      return await response.text();
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function getJson(url, headers) {
  return JSON.parse(await getText(url, headers));
}

/**
 * POSTs one notification of `kind` to `url`; the ms until it was answered 200.
 * With `attempts` > 1 a failure is sent again with the same id, as PayPay
 * retries a notification that was not acknowledged.
 */
export async function postNotification(url, kind, id, uaid, attempts = 1) {
  for (let attempt = 1; ; attempt++) {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          notification_type: NOTIFICATION_TYPES[kind],
          notification_id: id,
          user_authorization_id: uaid,
        }),
      });
      await response.text();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      return performance.now() - started;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Runs `work(0)` ... `work(count - 1)` with `inFlight` at a time; the seconds it took. */
export async function pool(count, inFlight, work) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}
