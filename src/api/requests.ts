/**
 * One call to the API, as every method of the client makes it: the bearer token from the
 * {@link Authorizer} (refreshed ahead of expiry), the {@link Transport} (limiter, timeout, retries), one
 * refresh and one more try on a 401, then the answer judged: a 2xx of the shape the endpoint answers,
 * else an {@link ApiError}.
 */
import type { Authorizer } from './authorizer.js';
import { ApiError, AuthError, type HttpMethod, SmashrunErrorCode } from './errors.js';
import { type Answer, parseLoose, type Transport } from './transport.js';
import type { CallOptions } from './types.js';

/** What a request body may be. */
export type Body = string | Uint8Array<ArrayBuffer> | FormData;

/** A call's query, body and headers. */
export interface SendOptions extends CallOptions {
  query?: Record<string, string>;
  body?: Body;
  contentType?: string;
  /** The path errors show, when `path` holds a secret. */
  shownPath?: string;
  /**
   * The token to send, as it is: for the calls about the token itself (`/auth/{token}`), where a refresh
   * first would ask about another token, and a 401 is an answer rather than a cue to refresh.
   */
  token?: string;
  /**
   * Whether sending the request twice has the effect of sending it once: GET, PUT, PATCH and DELETE are
   * (the default for them); a POST is not unless its caller says so (an Activity JSON upload, by its
   * `externalId`). A request that is not gets only its 429s retried (`retry.ts`).
   */
  idempotent?: boolean;
}

/** What an answer must be: a JSON array, a JSON object, an object or `null`, anything (JSON, else the text), or not read. */
export type Shape = 'array' | 'object' | 'object-or-null' | 'any' | 'none';

const SHAPE_WORDS: Record<Shape, string> = {
  array: 'a JSON array',
  object: 'a JSON object',
  'object-or-null': 'a JSON object or null',
  any: 'anything',
  none: 'empty',
};

/** Calls below one API base. */
export class Requests {
  readonly #apiBase: string;
  readonly #transport: Transport;
  readonly #auth: Authorizer;

  constructor(apiBase: string, transport: Transport, auth: Authorizer) {
    this.#apiBase = apiBase;
    this.#transport = transport;
    this.#auth = auth;
  }

  /**
   * Sends a request with the bearer token; on a 401, one refresh and one more try.
   *
   * @throws {AuthError} `unauthorized` on a 401 after the refresh; what the authorizer and the transport throw.
   */
  async send(method: HttpMethod, path: string, init: SendOptions): Promise<Answer> {
    const query = init.query === undefined ? '' : new URLSearchParams(init.query).toString();
    const target = query === '' ? path : `${path}?${query}`;
    const shownPath = init.shownPath ?? target;
    const idempotent = init.idempotent ?? method !== 'POST';
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.contentType !== undefined) headers['Content-Type'] = init.contentType;
    const request = (token: string): Promise<Answer> =>
      this.#transport.send({
        method,
        url: `${this.#apiBase}${target}`,
        shownPath,
        idempotent,
        headers: { ...headers, Authorization: `Bearer ${token}` },
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal === undefined ? {} : { signal: init.signal }),
      });
    if (init.token !== undefined) return request(init.token);
    const token = await this.#auth.bearer(init.signal);
    const first = await request(token);
    if (first.status !== 401) return first;
    const second = await request(await this.#auth.afterUnauthorized(token, init.signal));
    if (second.status === 401) {
      throw new AuthError(SmashrunErrorCode.Unauthorized, `${method} ${shownPath}: Smashrun refused the token (401) after a refresh: authorize again`, { status: 401 });
    }
    return second;
  }

  /** Sends, and reads a 2xx answer of the expected shape (see {@link expect}). */
  async json(method: HttpMethod, path: string, init: SendOptions, shape: Shape): Promise<unknown> {
    const a = await this.send(method, path, init);
    return this.expect(a, method, init.shownPath ?? path, shape);
  }

  /**
   * The body of a 2xx answer of the expected shape (`null` for an empty one).
   *
   * @throws {ApiError} `http-error` for another status, `bad-response` for another shape.
   */
  expect(a: Answer, method: HttpMethod, path: string, shape: Shape): unknown {
    if (a.status < 200 || a.status > 299) throw new ApiError(SmashrunErrorCode.Http, { status: a.status, method, path, body: this.errorBody(a) });
    if (shape === 'none') return null;
    const body = parseLoose(a.text);
    const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
    const fits = shape === 'any' || (shape === 'array' ? Array.isArray(body) : shape === 'object' ? isObject : isObject || body === null);
    if (!fits) throw this.badResponse(method, path, this.errorBody(a), `the answer is not ${SHAPE_WORDS[shape]}`, a.status);
    return body;
  }

  /** An {@link ApiError} `bad-response`. */
  badResponse(method: HttpMethod, path: string, body: unknown, detail: string, status = 200): ApiError {
    return new ApiError(SmashrunErrorCode.BadResponse, { status, method, path, body, detail });
  }

  /** The answer's body for an error or a refusal: parsed, secrets replaced. */
  errorBody(a: Answer): unknown {
    return this.#transport.errorBody(a);
  }
}
