import { DurableObject } from 'cloudflare:workers';
export class SandboxMerchant extends DurableObject {}
export default {
  async fetch(request: Request): Promise<Response> {
    return new Response('sandbox saw ' + new URL(request.url).pathname);
  },
};
