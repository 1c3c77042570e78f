import { afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../../shared/wire';
import { StatusFollower } from '../../widget/follower';
import { FakeClock } from './fakes';

const originalFetch = window.fetch;
const OriginalEventSource = window.EventSource;

afterEach(() => {
  window.fetch = originalFetch;
  window.EventSource = OriginalEventSource;
});

/** Lets the answered fetches' promise chains run (no time passes on the fake clock). */
async function settle(): Promise<void> {
  // Reading a Response's body takes a few turns of the event loop.
  for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('StatusFollower', () => {
  it('without a status stream, polls every 2 s, backs off to 15 s while unreachable, and stops at the end', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const answers: (string | null)[] = ['pending', null, null, null, 'pending', 'completed'];
    const asked: number[] = [];
    window.fetch = async () => {
      asked.push(clock.now() - start);
      const status = answers.shift();
      if (!status) throw new TypeError('Failed to fetch');
      return new Response(JSON.stringify({ status, resultToken: 'rt1.x' }));
    };
    // An old browser (or a test) without EventSource.
    (window as { EventSource?: unknown }).EventSource = undefined;
    const heard: SessionView['status'][] = [];
    const follower = new StatusFollower(
      'https://kyc.example',
      'ses_1',
      (update) => heard.push(update.status),
      clock,
    );
    follower.start();
    await settle();
    for (const wait of [2_000, 4_000, 8_000, 15_000, 2_000]) {
      clock.advance(wait);
      await settle();
    }
    expect(asked).toEqual([0, 2_000, 6_000, 14_000, 29_000, 31_000]);
    expect(heard).toEqual(['pending', 'pending', 'completed']);
    expect(follower.active).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
