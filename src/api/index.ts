/**
 * runjson's Smashrun client (`runjson/smashrun`): OAuth, uploads of what runjson converts, runs read back
 * into runjson's columns, the account — over plain `fetch`, with a limiter, retries and timeouts, in
 * Node and in browsers. The contract is docs/smashrun-api.md.
 *
 * @packageDocumentation
 */

// The client.
export { SmashrunClient } from './client.js';
export {
  DEFAULT_API_BASE,
  DEFAULT_AUTH_BASE,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ExchangeOptions,
  type SmashrunClientOptions,
  type TokenInput,
} from './client-options.js';
export type {
  ActivityBrief,
  ActivityDetail,
  ActivityDocument,
  ActivityId,
  ActivityPatch,
  ActivitySummary,
  CallOptions,
  JsonObject,
  SearchKind,
  SearchOptions,
  SearchResults,
  TokenStatus,
  UploadResult,
  UserInfo,
} from './types.js';

// Errors.
export {
  ApiError,
  type ApiErrorCode,
  AuthError,
  type AuthErrorCode,
  type HttpMethod,
  isSmashrunError,
  LocalRefusal,
  NetworkError,
  OutcomeUnknown,
  RetryExhausted,
  SmashrunError,
  SmashrunErrorCode,
  SmashrunRejected,
} from './errors.js';

// Authorization and tokens.
export { type AuthorizationResult } from './authorizer.js';
export { type AuthorizeOptions, type AuthorizeUrl, DEFAULT_SCOPE, type ResponseType } from './oauth.js';
export { IMPLICIT_CLIENT_ID, MemoryTokenStore, refreshDue, type StoredTokens, TOKEN_LIFE_MS, type TokenStore } from './tokens.js';

// Being a good citizen: the limiter, the retry policy, the clock they run on.
export { type Clock, systemClock } from './clock.js';
export { DEFAULT_CONCURRENCY, DEFAULT_RATE, IMPLICIT_CLIENT_RATE, Limiter, type LimiterOptions, type RateWindow, type Release } from './limiter.js';
export { backoffMs, DEFAULT_RETRY, isRetryableStatus, parseRetryAfter, type RetryPolicy } from './retry.js';
export { type FetchLike } from './transport.js';

// What the client checks and reads.
export { PATCHABLE_FIELDS } from './activity-patch.js';
export { POSITION_PLACEHOLDER, withoutPositionPlaceholders } from './position-placeholders.js';
export { MAX_SEARCH_COUNT } from './search-query.js';
