import type { SessionView } from '../../shared/wire';

const encoder = new TextEncoder();
/** Proxies drop idle streams; a comment line every 25 s keeps them open. */
const HEARTBEAT_MS = 25_000;
/** More than a few tabs on one session is not a person; it is a leak or a flood. */
export const MAX_STREAMS = 8;

/**
 * The live status streams (Server-Sent Events) of one session, held by its
 * Durable Object so a change is pushed the moment it is stored.
 */
export class EventHub {
  private readonly writers = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  get size(): number {
    return this.writers.size;
  }

  /** A new stream that starts with the current view; closed at once if it is final. */
  open(view: SessionView, final: boolean): Response {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    // `retry` tells EventSource how soon to reconnect after a drop.
    void writer.write(encoder.encode(`retry: 2000\n\n${frame(view)}`)).catch(() => undefined);
    if (final) {
      void writer.close().catch(() => undefined);
    } else {
      this.writers.add(writer);
      this.startHeartbeat();
    }
    return new Response(readable, {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      },
    });
  }

  /** Pushes a view to every open stream; closes them all when the view is final. */
  send(view: SessionView, final: boolean): void {
    const bytes = encoder.encode(frame(view));
    for (const writer of this.writers) this.write(writer, bytes);
    if (final) this.closeAll();
  }

  closeAll(): void {
    for (const writer of this.writers) void writer.close().catch(() => undefined);
    this.writers.clear();
    this.stopHeartbeat();
  }

  private write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array): void {
    writer.write(bytes).catch(() => {
      // The client went away: forget its stream.
      this.writers.delete(writer);
      if (this.writers.size === 0) this.stopHeartbeat();
    });
  }

  private startHeartbeat(): void {
    if (this.heartbeat !== null) return;
    this.heartbeat = setInterval(() => {
      const bytes = encoder.encode(': keep-alive\n\n');
      for (const writer of this.writers) this.write(writer, bytes);
    }, HEARTBEAT_MS);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

function frame(view: SessionView): string {
  return `event: status\ndata: ${JSON.stringify(view)}\n\n`;
}
