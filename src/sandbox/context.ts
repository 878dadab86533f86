/** What every handler is given: the request, the state, the credentials and the options. */
import type { IncomingMessage } from 'node:http';
import type { ResolvedSandboxOptions } from './options.js';
import type { Store } from './store.js';
import type { Caller, Credentials } from './tokens.js';

/** One request being handled. */
export interface Ctx {
  req: IncomingMessage;
  url: URL;
  /** The `{name}` segments of the route's pattern. */
  params: Record<string, string>;
  store: Store;
  creds: Credentials;
  options: ResolvedSandboxOptions;
  /** The caller of an API request (throws `401`). */
  caller(): Caller;
}

/** The largest body of a request that is not an upload (a form, a PATCH, a weight). */
export const MAX_SMALL_BODY = 1 << 20;
