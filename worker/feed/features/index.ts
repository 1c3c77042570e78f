import { Appender } from '../appender';
import { Authorizations } from './authorizations';
import { DeadLetters } from './dead-letters';
import { Forgets } from './forgets';
import { Outbox } from './outbox';
import { Recon } from './recon';
import { Rereads } from './rereads';
import { Reshard } from './reshard';
import { Retention } from './retention';
import { Webhooks } from './webhooks';

/** The feed object's features, each over the same SQL handle and the one appender. */
export interface FeedFeatures {
  webhooks: Webhooks;
  recon: Recon;
  rereads: Rereads;
  authorizations: Authorizations;
  forgets: Forgets;
  outbox: Outbox;
  deadLetters: DeadLetters;
  retention: Retention;
  reshard: Reshard;
}

/** Builds the features; `forwarding` says whether new events also go to the outbox. */
export function feedFeatures(sql: SqlStorage, forwarding: () => boolean): FeedFeatures {
  const append = new Appender(sql, forwarding);
  return {
    webhooks: new Webhooks(sql, append),
    recon: new Recon(sql, append),
    rereads: new Rereads(sql, append),
    authorizations: new Authorizations(sql, append),
    forgets: new Forgets(sql, append),
    outbox: new Outbox(sql),
    deadLetters: new DeadLetters(sql, append),
    retention: new Retention(sql, append),
    reshard: new Reshard(sql),
  };
}
