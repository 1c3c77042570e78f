/** A value one stage of a route leaves for the handler after it. */
export interface RequestSlot<T> {
  set(request: object, value: T): void;
  /** The value the stage left; a handler reached without that stage is a mistake in the route table (500). */
  get(request: object): T;
}

/**
 * A typed place for what a stage read from the request (a validated body, a
 * path's id), as Hono's `c.set`/`c.get`: kept by request, gone with it.
 */
export function requestSlot<T>(stage: string): RequestSlot<T> {
  const values = new WeakMap<object, { value: T }>();
  return {
    set(request, value) {
      values.set(request, { value });
    },
    get(request) {
      const held = values.get(request);
      if (held === undefined) throw new Error(`The route has no ${stage} stage`);
      return held.value;
    },
  };
}
