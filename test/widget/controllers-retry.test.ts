import { describe, expect, it } from 'vitest';
import { RetryController } from '../../widget/controllers/retry';
import { FakeClock, FakeHost } from './fakes';

function setup() {
  const clock = new FakeClock();
  const host = new FakeHost();
  const page = { hidden: false };
  const asked = { retries: 0, refreshes: 0 };
  const retry = new RetryController(host, {
    retry: () => (asked.retries += 1),
    refresh: () => (asked.refreshes += 1),
    hidden: () => page.hidden,
    clock,
  });
  host.connect();
  return { clock, host, page, asked, retry };
}

describe('RetryController', () => {
  it('retries after 2 s, counting the seconds down on the way', () => {
    const { clock, host, asked, retry } = setup();
    retry.retryLater();
    expect(retry.retryIn).toBe(2);
    expect(retry.waiting).toBe(true);
    clock.advance(1_000);
    expect(retry.retryIn).toBe(1);
    expect(host.updates).toBeGreaterThan(0);
    clock.advance(999);
    expect(asked.retries).toBe(0);
    clock.advance(1);
    expect(asked.retries).toBe(1);
    expect(retry.waiting).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('backs off by doubling up to 30 s, and starts over after a success', () => {
    const { clock, asked, retry } = setup();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = clock.now();
      retry.retryLater();
      waits.push(retry.retryIn ?? -1);
      while (asked.retries === i) clock.advance(250);
      expect(clock.now() - before).toBe(waits[i]! * 1000);
    }
    expect(waits).toEqual([2, 4, 8, 16, 30, 30]);
    retry.succeeded();
    retry.retryLater();
    expect(retry.retryIn).toBe(2);
  });

  it('holds a due retry while the page is hidden, and retries once it is shown', () => {
    const { clock, page, asked, retry } = setup();
    page.hidden = true;
    retry.retryLater();
    clock.advance(10_000);
    expect(asked.retries).toBe(0);
    expect(retry.retryIn).toBe(0);
    page.hidden = false;
    clock.advance(250);
    expect(asked.retries).toBe(1);
  });

  it('refreshes 15 s before a QR expires, or at three quarters of a short life', () => {
    const { clock, asked, retry } = setup();
    retry.refreshBefore(clock.now() + 300_000);
    clock.advance(284_999);
    expect(asked.refreshes).toBe(0);
    clock.advance(1);
    expect(asked.refreshes).toBe(1);
    retry.refreshBefore(clock.now() + 8_000);
    clock.advance(5_999);
    expect(asked.refreshes).toBe(1);
    clock.advance(1);
    expect(asked.refreshes).toBe(2);
    expect(retry.active).toBe(false);
  });

  it('keeps a refresh that came due while hidden until the page is shown', () => {
    const { clock, page, asked, retry } = setup();
    retry.resume();
    expect(asked.refreshes).toBe(0);
    page.hidden = true;
    retry.refreshBefore(clock.now() + 8_000);
    clock.advance(60_000);
    expect(asked.refreshes).toBe(0);
    page.hidden = false;
    retry.resume();
    expect(asked.refreshes).toBe(1);
    retry.resume();
    expect(asked.refreshes).toBe(1);
  });

  it('cancels everything on stop and when the host is removed', () => {
    const { clock, host, page, asked, retry } = setup();
    retry.retryLater();
    retry.refreshBefore(clock.now() + 8_000);
    retry.stop();
    expect(retry.active).toBe(false);
    expect(retry.retryIn).toBeNull();
    page.hidden = true;
    retry.refreshBefore(clock.now() + 8_000);
    clock.advance(8_000);
    retry.retryLater();
    host.disconnect();
    page.hidden = false;
    retry.resume();
    clock.advance(60_000);
    expect(asked).toEqual({ retries: 0, refreshes: 0 });
    expect(clock.pending).toBe(0);
  });
});
