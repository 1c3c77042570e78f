import { fail, pass, type CheckRow } from './row';
import type { Probe } from './probes';

/** Half of what PayPay tolerates (120 s): past this, a slow network tips signatures over. */
const MAX_SKEW_SECONDS = 60;

/** The clock row, and whether it failed (the signature row names the clock as the likely cause). */
export function clockRow(probe: Probe): { row: CheckRow; failed: boolean } {
  const requestId = probe.call.requestId;
  const paypayAt = probe.date === null ? NaN : Date.parse(probe.date);
  if (Number.isNaN(paypayAt)) {
    const why = probe.date === null ? 'had no Date header' : 'had a Date header that is not a date';
    return {
      row: pass('clock', `Not measured: PayPay's answer ${why}.`, requestId),
      failed: false,
    };
  }
  // Date has whole seconds: PayPay's time was within the second it names, so take its middle,
  // against the middle of our send and receive.
  const skewMs = paypayAt + 500 - (probe.sentAt + probe.receivedAt) / 2;
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  const side = skewMs > 0 ? 'behind' : 'ahead of';
  const measured =
    seconds === 0
      ? "The Worker's clock and PayPay's agree to within a second"
      : `The Worker's clock is ${seconds} s ${side} PayPay's`;
  if (seconds <= MAX_SKEW_SECONDS) {
    return {
      row: pass('clock', `${measured} (PayPay refuses signatures more than 120 s off).`, requestId),
      failed: false,
    };
  }
  return {
    row: fail(
      'clock',
      `${measured}, more than ${MAX_SKEW_SECONDS} s: PayPay refuses signatures more than 120 s off.`,
      "sync the clock of the machine running the Worker (NTP); on Cloudflare, whose clocks do not drift, report PayPay's clock to PayPay support with this request id.",
      requestId,
    ),
    failed: true,
  };
}
