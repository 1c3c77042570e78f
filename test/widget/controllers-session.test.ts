import { describe, expect, it } from 'vitest';
import type { CreatedSession, SessionView } from '../../shared/wire';
import type { StartOptions } from '../../widget/session-api';
import { SessionController, type Follower } from '../../widget/controllers/session';
import { FakeHost } from './fakes';

class FakeFollower implements Follower {
  running = false;
  constructor(
    readonly sessionId: string,
    readonly say: (update: SessionView) => void,
  ) {}
  start(): void {
    this.running = true;
  }
  stop(): void {
    this.running = false;
  }
  get active(): boolean {
    return this.running;
  }
}

const session = (n: number): CreatedSession => ({
  sessionId: `ses_${n}`,
  qrUrl: `https://qr.example/${n}`,
  expiresAt: '2025-04-01T09:05:00Z',
  status: 'pending',
});

function setup() {
  const host = new FakeHost();
  const page = { hidden: false };
  const asked: StartOptions[] = [];
  const answers: { resolve: (s: CreatedSession) => void; reject: (e: unknown) => void }[] = [];
  const followers: FakeFollower[] = [];
  const heard: string[] = [];
  const sessions = new SessionController(host, {
    request: () => ({ endpoint: 'https://kyc.example', lang: 'ja', referenceId: 'user-42' }),
    hidden: () => page.hidden,
    created: (s) => heard.push(`created ${s.sessionId}`),
    failed: (error) => heard.push(`failed ${String(error)}`),
    status: (s, update) => heard.push(`${s.sessionId} ${update.status}`),
    create: (options) => {
      asked.push(options);
      return new Promise((resolve, reject) => answers.push({ resolve, reject }));
    },
    follow: (_endpoint, sessionId, say) => {
      const follower = new FakeFollower(sessionId, say);
      followers.push(follower);
      return follower;
    },
  });
  host.connect();
  return { host, page, asked, answers, followers, heard, sessions };
}

describe('SessionController', () => {
  it('creates a session with what the host asks for, then follows it', async () => {
    const { asked, answers, followers, heard, sessions } = setup();
    const created = sessions.create();
    expect(sessions.busy).toBe(true);
    expect(asked[0]).toMatchObject({ endpoint: 'https://kyc.example', referenceId: 'user-42' });
    expect(asked[0]?.signal.aborted).toBe(false);
    answers[0]!.resolve(session(1));
    await created;
    expect(sessions.current?.sessionId).toBe('ses_1');
    expect(followers[0]?.running).toBe(true);
    followers[0]!.say({ status: 'authorized' } as SessionView);
    expect(heard).toEqual(['created ses_1', 'ses_1 authorized']);
  });

  it('does not follow while the page is hidden, and follows once it is shown', async () => {
    const { page, answers, followers, sessions } = setup();
    page.hidden = true;
    const created = sessions.create();
    answers[0]!.resolve(session(1));
    await created;
    expect(followers[0]?.running).toBe(false);
    sessions.resume();
    expect(followers[0]?.running).toBe(true);
    sessions.pause();
    expect(sessions.busy).toBe(false);
  });

  it("drops a replaced session's late news", async () => {
    const { answers, followers, heard, sessions } = setup();
    const first = sessions.create();
    answers[0]!.resolve(session(1));
    await first;
    const second = sessions.create();
    answers[1]!.resolve(session(2));
    await second;
    expect(followers[0]?.running).toBe(false);
    followers[0]!.say({ status: 'completed', resultToken: 'rt1.old' } as SessionView);
    followers[1]!.say({ status: 'failed' } as SessionView);
    expect(heard).toEqual(['created ses_1', 'created ses_2', 'ses_2 failed']);
    sessions.clear();
    followers[1]!.say({ status: 'expired' } as SessionView);
    expect(heard.at(-1)).toBe('ses_2 failed');
    expect(sessions.current).toBeNull();
  });

  it('reports a failed creation, but says nothing of one that was stopped', async () => {
    const { answers, asked, heard, sessions } = setup();
    const failing = sessions.create();
    answers[0]!.reject('boom');
    await failing;
    const stopped = sessions.create();
    sessions.stop();
    expect(asked[1]?.signal.aborted).toBe(true);
    answers[1]!.resolve(session(2));
    await stopped;
    expect(heard).toEqual(['failed boom']);
    expect(sessions.current).toBeNull();
    expect(sessions.busy).toBe(false);
  });

  it('closes the request and the follower when the host is removed', async () => {
    const { host, asked, answers, followers, sessions } = setup();
    const created = sessions.create();
    answers[0]!.resolve(session(1));
    await created;
    void sessions.create();
    host.disconnect();
    expect(asked[1]?.signal.aborted).toBe(true);
    expect(followers[0]?.running).toBe(false);
    expect(sessions.busy).toBe(false);
  });
});
