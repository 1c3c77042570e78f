import type { MetricsLog } from './log';

/** The deployment's one metrics object. */
export function metricsOf(env: Env): DurableObjectStub<MetricsLog> {
  return env.METRICS.get(env.METRICS.idFromName('metrics'));
}
