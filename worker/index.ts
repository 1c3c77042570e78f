/**
 * The merchant's Worker. Routes arrive with the sessions issue; for now it
 * answers health checks so the local stack can start.
 */
export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname === '/healthz') return Response.json({ ok: true });
    return Response.json(
      { error: { code: 'NOT_FOUND', message: 'No such route', requestId: crypto.randomUUID() } },
      { status: 404 },
    );
  },
} satisfies ExportedHandler<Env>;
