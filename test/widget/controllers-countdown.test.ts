import { describe, expect, it } from 'vitest';
import { CountdownController } from '../../widget/controllers/countdown';
import { FakeClock, FakeHost } from './fakes';

function setup() {
  const clock = new FakeClock();
  const host = new FakeHost();
  const zeros: number[] = [];
  const countdown = new CountdownController(host, () => zeros.push(clock.now()), clock);
  host.connect();
  return { clock, host, zeros, countdown };
}

describe('CountdownController', () => {
  it('counts whole seconds left, rounded up, re-rendering the host each second', () => {
    const { clock, host, countdown } = setup();
    countdown.start(clock.now() + 2_500);
    expect(countdown.remaining).toBe(3);
    const updates = host.updates;
    clock.advance(1_000);
    expect(countdown.remaining).toBe(2);
    clock.advance(1_000);
    expect(countdown.remaining).toBe(1);
    expect(host.updates).toBe(updates + 2);
  });

  it('says when the deadline has come, and stops when told to then', () => {
    const { clock, zeros, countdown } = setup();
    const deadline = clock.now() + 2_000;
    const stopAtZero = new CountdownController(new FakeHost(), () => stopAtZero.stop(), clock);
    stopAtZero.start(deadline);
    countdown.start(deadline);
    clock.advance(2_000);
    expect(zeros).toEqual([deadline]);
    expect(stopAtZero.remaining).toBe(0);
    expect(stopAtZero.active).toBe(false);
    countdown.stop();
    expect(clock.pending).toBe(0);
  });

  it('says so at once for a deadline already past, leaving no timer behind', () => {
    const { clock, countdown } = setup();
    const stopAtZero = new CountdownController(new FakeHost(), () => stopAtZero.stop(), clock);
    stopAtZero.start(clock.now() - 1);
    expect(stopAtZero.remaining).toBe(0);
    expect(stopAtZero.active).toBe(false);
    expect(countdown.active).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('moves the deadline of a running countdown without a second timer', () => {
    const { clock, countdown } = setup();
    countdown.start(clock.now() + 10_000);
    countdown.start(clock.now() + 60_000);
    expect(clock.pending).toBe(1);
    expect(countdown.remaining).toBe(60);
  });

  it('reads the clock on demand (a tab shown again after the browser slowed its timers)', () => {
    const { clock, countdown } = setup();
    countdown.start(clock.now() + 10_000);
    countdown.stop();
    clock.advance(4_500);
    countdown.tick();
    expect(countdown.remaining).toBe(6);
  });

  it('stops when the host is removed', () => {
    const { clock, host, zeros, countdown } = setup();
    countdown.start(clock.now() + 5_000);
    host.disconnect();
    expect(countdown.active).toBe(false);
    clock.advance(10_000);
    expect(zeros).toEqual([]);
  });
});
