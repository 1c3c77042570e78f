import type { Lang } from '../../shared/wire';

/** The customer's language when the page did not say: Japanese unless the browser asks otherwise. */
export function langOf(request: Request): Lang {
  const accept = (request.headers.get('Accept-Language') ?? '').toLowerCase();
  return accept === '' || accept.startsWith('ja') ? 'ja' : 'en';
}
