import { Router, type IRequest } from 'itty-router';
import { ApiError } from './http/errors';
import { pipeline, type HandlerArgs } from './http/pipeline';
import { callback, callbackDone } from './routes/callback';
import { doctor } from './routes/doctor';
import { health } from './routes/health';
import { exchangeResult } from './routes/results';
import { createSession, getSession, sessionEvents, sessionsPreflight } from './routes/sessions';
import { listEvents } from './routes/feed';
import { forgetUser, userKyc, userKycInfo, userState } from './routes/users';
import { receiveWebhook } from './routes/webhooks';

/** A known path asked with a method it does not have. */
function methodNotAllowed(allow: string) {
  return (): never => {
    throw ApiError.of('METHOD_NOT_ALLOWED', `Use ${allow}`, { Allow: allow });
  };
}

/** Every route of the Worker; handlers live in routes/, one file per resource. */
export const router = Router<IRequest, HandlerArgs>(pipeline)
  .get('/healthz', health)
  .options('/v1/sessions', sessionsPreflight('POST'))
  .post('/v1/sessions', createSession)
  .all('/v1/sessions', methodNotAllowed('POST, OPTIONS'))
  .options('/v1/sessions/:id', sessionsPreflight('GET'))
  .get('/v1/sessions/:id', getSession)
  .all('/v1/sessions/:id', methodNotAllowed('GET, OPTIONS'))
  .options('/v1/sessions/:id/events', sessionsPreflight('GET'))
  .get('/v1/sessions/:id/events', sessionEvents)
  .all('/v1/sessions/:id/events', methodNotAllowed('GET, OPTIONS'))
  .get('/v1/callback', callback)
  .all('/v1/callback', methodNotAllowed('GET'))
  .get('/v1/callback/done', callbackDone)
  .all('/v1/callback/done', methodNotAllowed('GET'))
  .post('/v1/results/exchange', exchangeResult)
  .all('/v1/results/exchange', methodNotAllowed('POST'))
  .get('/v1/users/:uaid/kyc', userKyc)
  .all('/v1/users/:uaid/kyc', methodNotAllowed('GET'))
  .get('/v1/users/:uaid/kyc-info', userKycInfo)
  .all('/v1/users/:uaid/kyc-info', methodNotAllowed('GET'))
  .get('/v1/users/:uaid', userState)
  .delete('/v1/users/:uaid', forgetUser)
  .all('/v1/users/:uaid', methodNotAllowed('GET, DELETE'))
  .get('/v1/events', listEvents)
  .all('/v1/events', methodNotAllowed('GET'))
  .get('/v1/doctor', doctor)
  .all('/v1/doctor', methodNotAllowed('GET'))
  // Every method reaches the receiver: it checks source and path token before the method.
  .all('/v1/webhooks/paypay/:kind', receiveWebhook)
  .all('/v1/webhooks/paypay/:token/:kind', receiveWebhook)
  .all('*', () => {
    throw ApiError.of('NOT_FOUND', 'No such route');
  });
