import { consoleAccess, hasBearer, merchant, merchantIfBearer } from './http/auth';
import { preflight, widgetCors } from './http/cors';
import { needs } from './http/needs';
import { creationLimits, doctorLimit } from './http/rate-limit';
import {
  beforeMethod,
  del,
  get,
  onlyIf,
  options,
  otherMethods404,
  post,
  routerOf,
} from './http/route-table';
import { PAYPAY_SETTINGS } from './paypay/from-config';
import {
  callback,
  CALLBACK_SETTINGS,
  callbackDone,
  toUnavailablePage,
  unavailablePage,
} from './routes/callback';
import { alsoForConsole, consolePage } from './routes/console';
import { deadLetters, replay } from './routes/dead-letters';
import { listDeliveries, resendDelivery } from './routes/deliveries';
import { doctor } from './routes/doctor';
import { listEvents, reshard } from './routes/feed';
import { health } from './routes/health';
import { HOSTED_PAGE_SETTINGS, verify, verifySession, verifyUnavailable } from './routes/hosted';
import { metrics } from './routes/metrics';
import { anyOrigin, jwks, RECEIPT_KEY_SETTINGS, receipt } from './routes/receipts';
import { exchangeResult } from './routes/results';
import {
  browser,
  createSession,
  getSession,
  MERCHANT_CREATE_SETTINGS,
  PUBLIC_CREATE_SETTINGS,
  sessionBody,
  sessionEvents,
} from './routes/sessions';
import {
  forgetUser,
  kycInfoOn,
  kycInfoQuery,
  searchUsers,
  userId,
  userKyc,
  userKycInfo,
  userState,
} from './routes/users';
import { fromPayPay, knownReceiver, receiveWebhook, receiverSettings } from './routes/webhooks';

/** PayPay's receivers check settings, source and path token before the method: a stranger learns nothing. */
const RECEIVER = beforeMethod(needs(receiverSettings), fromPayPay, knownReceiver);

/**
 * Every route, one line each: method, path, then its stages in the order they
 * run (settings it needs, who may call, CORS, validation that must come first,
 * rate limits), the handler last. Handlers live in routes/, one file per
 * resource; the stages in http/ and beside their handler. `alsoForConsole`
 * adds the line's twin under /console/api for the console (bearer or Access). A known path asked
 * with another method is a 405 naming this table's methods; any other path a 404.
 */
// prettier-ignore
export const ROUTES = [
  get('/healthz', otherMethods404(), merchantIfBearer, health),
  post('/v1/sessions', onlyIf(hasBearer), needs(MERCHANT_CREATE_SETTINGS), merchant, sessionBody('merchant'), createSession),
  post('/v1/sessions', needs(PUBLIC_CREATE_SETTINGS), browser, widgetCors, sessionBody('public'), creationLimits, createSession),
  options('/v1/sessions', preflight('POST')),
  get('/v1/sessions/:id', widgetCors, getSession),
  options('/v1/sessions/:id', preflight('GET')),
  get('/v1/sessions/:id/events', widgetCors, sessionEvents),
  options('/v1/sessions/:id/events', preflight('GET')),
  get('/v1/callback', needs(CALLBACK_SETTINGS, toUnavailablePage), callback),
  get('/v1/callback/done', needs(CALLBACK_SETTINGS, unavailablePage), callbackDone),
  get('/verify/:id', needs(HOSTED_PAGE_SETTINGS, verifyUnavailable), verify),
  post('/verify/:id', verifySession),
  post('/v1/results/exchange', merchant, exchangeResult),
  get('/.well-known/jwks.json', anyOrigin, needs(RECEIPT_KEY_SETTINGS), jwks),
  get('/v1/receipts/:id', merchant, receipt),
  get('/v1/users/:uaid/kyc', merchant, userId, needs(PAYPAY_SETTINGS), userKyc),
  get('/v1/users/:uaid/kyc-info', merchant, kycInfoOn, userId, kycInfoQuery, needs(PAYPAY_SETTINGS), userKycInfo),
  ...alsoForConsole(get('/v1/users', merchant, needs(['FEED_SHARDS']), searchUsers)),
  ...alsoForConsole(get('/v1/users/:uaid', merchant, userId, userState)),
  ...alsoForConsole(del('/v1/users/:uaid', merchant, userId, needs([...PAYPAY_SETTINGS, 'FEED_SHARDS']), forgetUser)),
  ...alsoForConsole(get('/v1/events', merchant, needs(['FEED_SHARDS']), listEvents)),
  post('/v1/feed/reshard', merchant, needs(['FEED_SHARDS']), reshard),
  ...alsoForConsole(get('/v1/doctor', merchant, doctorLimit, doctor)),
  ...alsoForConsole(get('/v1/metrics', merchant, needs(['FEED_SHARDS']), metrics)),
  get('/v1/dead-letters', merchant, deadLetters),
  post('/v1/dead-letters/replay', merchant, replay),
  ...alsoForConsole(get('/v1/deliveries', merchant, needs(['FEED_SHARDS']), listDeliveries)),
  ...alsoForConsole(post('/v1/deliveries/:eventId/resend', merchant, needs(['FEED_SHARDS']), resendDelivery)),
  post('/v1/webhooks/paypay/:kind', RECEIVER, receiveWebhook),
  post('/v1/webhooks/paypay/:token/:kind', RECEIVER, receiveWebhook),
  get('/console', consoleAccess, consolePage),
  get('/console/*', consoleAccess, consolePage),
];

/** The Worker's router: the route table on the pipeline (http/pipeline.ts). */
export const router = routerOf(ROUTES);
