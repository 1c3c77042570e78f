// The floor Worker of the webhook and feed figures (bench/floor/): started
// beside the stack, on its own port and state folder.
import { join } from 'node:path';
import {
  freePort,
  startWrangler,
  stopChild,
  waitForHealth,
  writeEnvFile,
} from '../scripts/lib/stack.mjs';

const host = '127.0.0.1';

/** Starts the floor Worker under `wrangler dev`; resolves once it answers. */
export async function startFloor({ persistTo, log = () => {} }) {
  const port = await freePort();
  const url = `http://${host}:${port}`;
  const child = startWrangler(
    'floor',
    [
      '-c',
      'bench/floor/wrangler.jsonc',
      '--ip',
      host,
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      join(persistTo, 'floor'),
    ],
    writeEnvFile(`floor-${port}`, {}),
    log,
  );
  try {
    await waitForHealth(`${url}/healthz`, child, 'floor');
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, stop: () => stopChild(child) };
}

/** Bulk-inserts `rows` (the `Append` shape of worker/feed/events-table.ts) into the floor's table. */
export async function seedFloor(floor, rows, chunk = 5000) {
  let count = 0;
  for (let i = 0; i < rows.length; i += chunk) {
    const response = await fetch(`${floor.url}/seed`, {
      method: 'POST',
      body: JSON.stringify(rows.slice(i, i + chunk)),
    });
    if (!response.ok) throw new Error(`floor seed answered ${response.status}`);
    count = (await response.json()).events;
  }
  return count;
}
