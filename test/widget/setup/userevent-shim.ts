import { vi } from 'vitest';

// Firefox's provider is vitest's `preview`, whose userEvent passes
// `advanceTimers: vi.advanceTimersByTimeAsync` to @testing-library/user-event;
// that throws unless fake timers are on (vitest issue #9882), so every click
// would fail. With real timers there is nothing to advance.
const advance = vi.advanceTimersByTimeAsync.bind(vi);
vi.advanceTimersByTimeAsync = (ms: number) =>
  vi.isFakeTimers() ? advance(ms) : Promise.resolve(vi);
