import type { IRequest } from 'itty-router';
import { problemsWith, type SettingName } from '../settings/config';
import { valuesOf, type RequiredSetting, type SettingValues } from '../settings/for-feature';
import { PAYPAY_SETTINGS, paypayConfigOf, type PayPayConfig } from '../paypay/from-config';
import type { RequestContext } from './context';
import { ApiError } from './errors';
import type { HandlerArgs, Stage } from './pipeline';

/** The settings a route needs: a fixed list, or one chosen by the request (a receiver's kind). */
export type Needed = readonly SettingName[] | ((request: IRequest) => readonly SettingName[]);

/** The answer of a route whose caller is a phone's browser, not a program: a page, not JSON. */
export type Otherwise = (request: IRequest, ...args: HandlerArgs) => Response | Promise<Response>;

/**
 * Stage: the route cannot work without these settings. The first that is
 * missing or malformed (in the order the settings are read) is refused with
 * 503 `CONFIG_<SETTING>`, its name and never its value, or answered by
 * `otherwise`. The handler then reads their values with `checkedSettings`,
 * and nothing checks them again.
 */
export function needs(names: Needed, otherwise?: Otherwise): Stage {
  return (request, env, ctx, rc) => {
    const list = typeof names === 'function' ? names(request) : names;
    const [problem] = problemsWith(rc.config, list);
    if (problem === undefined) {
      for (const name of list) rc.checked.add(name);
      return undefined;
    }
    if (otherwise) return otherwise(request, env, ctx, rc);
    throw ApiError.config(problem);
  };
}

/**
 * The values of settings this route's `needs` stages found usable. Reading
 * one no stage checked is a mistake in the route table: a 500, never a
 * setting used unchecked.
 */
export function checkedSettings<const N extends readonly RequiredSetting[]>(
  rc: RequestContext,
  names: N,
): SettingValues<N> {
  const unchecked = names.find((name) => !rc.checked.has(name));
  if (unchecked !== undefined) throw new Error(`${unchecked} is read without a needs stage`);
  return valuesOf(rc.config, names);
}

/** The PayPay config of the settings this route's `needs(PAYPAY_SETTINGS)` found usable. */
export function checkedPaypay(rc: RequestContext): PayPayConfig {
  return paypayConfigOf(checkedSettings(rc, PAYPAY_SETTINGS), rc.config);
}
