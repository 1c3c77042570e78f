import { afterEach, beforeEach, vi } from 'vitest';
import { fault } from './sandbox';

/**
 * Captures the Worker's console lines during each test of the calling file
 * (not printed, so a test can prove what they hold), and clears any sandbox
 * fault after each test. Call it once at the top of a test file.
 */
export function captureConsole(): () => string[] {
  let lines: string[] = [];
  beforeEach(() => {
    lines = [];
    for (const method of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      });
    }
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await fault(null);
  });
  return () => lines;
}
