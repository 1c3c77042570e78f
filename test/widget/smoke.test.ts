import { expect, inject, it } from 'vitest';
it('reaches the Worker from the allowed origin', async () => {
  const r = await fetch(`${inject('workerUrl')}/v1/sessions/AAAAAAAAAAAAAAAAAAAAAAAA`);
  expect(r.status).toBe(404);
});
