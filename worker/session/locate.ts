/** The header the stream route passes the session id's secret to the object in. */
export const SECRET_HEADER = 'X-Session-Secret';

/**
 * The session object an id names, or null when the id is not one this
 * namespace made (`idFromString` throws on those): never a 500 for a guess.
 */
export function sessionObject(
  env: Env,
  objectId: string,
): ReturnType<Env['SESSIONS']['get']> | null {
  try {
    return env.SESSIONS.get(env.SESSIONS.idFromString(objectId));
  } catch {
    return null;
  }
}
