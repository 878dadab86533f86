/**
 * The Smashrun client: OAuth, uploads of what runjson converts, reading runs back into runjson's columns,
 * and the account — over plain `fetch`, in Node and in browsers. The contract is docs/smashrun-api.md.
 *
 * Every call goes through the same path (`requests.ts`): a token from the {@link Authorizer} (refreshed
 * ahead of expiry), the {@link Transport} (limiter, timeout, retries), one refresh and one more try on a
 * 401, then the answer's status and shape checked. The pieces are small files with their own tests; this
 * file wires them and says, per endpoint, what is sent and what the answer must be.
 */
import type { ConvertedActivity } from '../convert/result.js';
import { Report } from '../core/errors.js';
import { fromActivityJson } from '../decode/json/from-activity-json.js';
import { periodPath, userInfoFrom, weightBody } from './account.js';
import { checkPatch } from './activity-patch.js';
import { type AuthorizationResult, Authorizer } from './authorizer.js';
import {
  DEFAULT_API_BASE,
  DEFAULT_AUTH_BASE,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  type ExchangeOptions,
  type SmashrunClientOptions,
  type TokenInput,
} from './client-options.js';
import { type Clock, systemClock } from './clock.js';
import { AuthError, LocalRefusal, SmashrunErrorCode } from './errors.js';
import { defaultRates, DEFAULT_CONCURRENCY, Limiter } from './limiter.js';
import { authorizeUrl, type AuthorizeOptions, type AuthorizeUrl, readRedirect, trimSlash } from './oauth.js';
import { withoutPositionPlaceholders } from './position-placeholders.js';
import { type Body, Requests } from './requests.js';
import { resolveRetry } from './retry.js';
import { MAX_SEARCH_COUNT, SEARCH_PATHS, searchQuery } from './search-query.js';
import { Secrets } from './secrets.js';
import { MemoryTokenStore, type TokenStore } from './tokens.js';
import { type Answer, Transport } from './transport.js';
import type {
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
import { readUploadAnswer } from './upload-answer.js';

/**
 * A Smashrun API client.
 *
 * @example
 * ```ts
 * const smashrun = new SmashrunClient({ clientId: 'client' });
 * const { url, state } = smashrun.authorizeUrl({ redirectUri: location.origin + '/done', responseType: 'token' });
 * // …the user consents, Smashrun redirects to /done#access_token=…&state=…
 * await smashrun.completeAuthorization(location.href, state);
 * const { activityId } = await smashrun.upload((await convert(file)).activities[0]);
 * ```
 */
export class SmashrunClient {
  /** The client id. */
  readonly clientId: string;
  /** The API base, without a trailing slash. */
  readonly apiBase: string;
  /** The OAuth host, without a trailing slash. */
  readonly authBase: string;
  readonly #auth: Authorizer;
  readonly #calls: Requests;
  readonly #store: TokenStore;
  readonly #clock: Clock;

  /** @throws {LocalRefusal} an option out of range (concurrency, limits, retry, clientId). */
  constructor(options: SmashrunClientOptions) {
    if (typeof options.clientId !== 'string' || options.clientId === '') throw new LocalRefusal('clientId', 'clientId is required');
    this.clientId = options.clientId;
    this.apiBase = trimSlash(options.apiBase ?? DEFAULT_API_BASE);
    this.authBase = trimSlash(options.authBase ?? DEFAULT_AUTH_BASE);
    this.#clock = { now: options.now ?? systemClock.now, sleep: options.sleep ?? systemClock.sleep };
    this.#store = options.tokens ?? new MemoryTokenStore();
    const secrets = new Secrets();
    const limiter = new Limiter({ concurrency: options.concurrency ?? DEFAULT_CONCURRENCY, rates: options.limits ?? defaultRates(options.clientId), clock: this.#clock });
    const transport = new Transport({
      // Looked up at each call, and called on globalThis: a browser's fetch refuses another `this`.
      fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      limiter,
      retry: resolveRetry(options.retry),
      clock: this.#clock,
      random: options.random ?? Math.random,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      secrets,
    });
    this.#auth = new Authorizer({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authBase: this.authBase,
      store: this.#store,
      secrets,
      clock: this.#clock,
      transport,
    });
    this.#calls = new Requests(this.apiBase, transport, this.#auth);
  }

  // ── Authorization ────────────────────────────────────────────────────────────────────────────────

  /**
   * The URL to send the user to, and the state to keep for {@link completeAuthorization}. `code` is the
   * flow of a server that holds the client secret; `token` (implicit) that of a page or a personal
   * script, usually with the client id `client`.
   */
  authorizeUrl(options: AuthorizeOptions): AuthorizeUrl {
    return authorizeUrl(this.authBase, this.clientId, options);
  }

  /**
   * Reads the URL Smashrun redirected to, checks its `state`, and stores the tokens: a `?code=` is
   * exchanged at the token endpoint; a `#access_token=` (implicit flow) is stored as it is.
   *
   * @throws {AuthError} `state-mismatch`, `authorization-denied` (e.g. `?error=access_denied`),
   * `bad-redirect`, `exchange-failed`.
   */
  async completeAuthorization(redirectedTo: string, expectedState: string, options: ExchangeOptions = {}): Promise<AuthorizationResult> {
    const r = readRedirect(redirectedTo, expectedState);
    if (r.flow === 'token') return this.#auth.acceptImplicit(r.answer);
    return this.#auth.exchangeCode(r.code, options.redirectUri, options.signal);
  }

  /** Exchanges an authorization code for tokens and stores them. @throws {AuthError} `exchange-failed`. */
  async exchangeCode(code: string, options: ExchangeOptions = {}): Promise<AuthorizationResult> {
    return this.#auth.exchangeCode(code, options.redirectUri, options.signal);
  }

  /**
   * Refreshes the token now. The client also does it by itself: ahead of expiry (once less than half the
   * token's life is left) and once on a 401. An answer without a refresh token keeps the old one.
   *
   * @throws {AuthError} `no-token`, `refresh-failed`.
   */
  async refresh(options: CallOptions = {}): Promise<AuthorizationResult> {
    return this.#auth.refresh(options.signal);
  }

  /** Stores a token obtained elsewhere (pasted by the user, or kept by another program). */
  async setToken(accessToken: string, options: TokenInput = {}): Promise<AuthorizationResult> {
    if (typeof accessToken !== 'string' || accessToken === '') throw new LocalRefusal('accessToken', 'the access token must be a non-empty string');
    const now = this.#clock.now();
    // With expiresInSeconds the token's life is known (issued now); with only expiresAt it is assumed (12 weeks).
    const life = options.expiresAt === undefined && options.expiresInSeconds !== undefined ? { issuedAt: now, expiresAt: now + options.expiresInSeconds * 1000 } : {};
    return this.#auth.setToken({
      accessToken,
      clientId: options.clientId ?? this.clientId,
      ...(options.refreshToken === undefined ? {} : { refreshToken: options.refreshToken }),
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
      ...life,
    });
  }

  /**
   * What Smashrun says of the stored token (`GET /auth/{token}`), without the token itself (so that the
   * answer can be logged); `null` when Smashrun does not know it (404, or 401: revoked or expired).
   *
   * @throws {AuthError} `no-token`.
   */
  async tokenStatus(options: CallOptions = {}): Promise<TokenStatus | null> {
    const a = await this.tokenPath('GET', options);
    if (a.status === 404 || a.status === 401) return null;
    const body = this.#calls.expect(a, 'GET', '/auth/{token}', 'object') as JsonObject;
    const { token: _token, ...rest } = body;
    return rest;
  }

  /**
   * Revokes the stored token (`DELETE /auth/{token}`) and forgets it. Resolves `true` when Smashrun
   * revoked it now, `false` when there was none or Smashrun no longer knew it (404 or 401): either way no
   * token is left.
   */
  async revoke(options: CallOptions = {}): Promise<boolean> {
    if ((await this.#auth.load()) === null) return false;
    const a = await this.tokenPath('DELETE', options);
    if (a.status !== 404 && a.status !== 401) this.#calls.expect(a, 'DELETE', '/auth/{token}', 'none');
    await this.#store.clear();
    return a.status !== 404 && a.status !== 401;
  }

  // ── Uploads ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Uploads Activity JSON (`POST /my/activities`, `Content-Type: application/json`): the converter's bytes
   * as they are, or the text.
   *
   * A retry is safe, the client's own after a 429, 5xx, network failure or timeout as well as the caller's
   * after an error: the document carries its `externalId` (the converter always writes one), and Smashrun
   * treats a POST with an `externalId` this client sent before as an update of that run. So this upload
   * gets the whole retry policy.
   *
   * @throws {SmashrunRejected} Smashrun answered 200 with `validations` (its refusal, kept verbatim);
   * {@link ApiError}; {@link AuthError}; {@link RetryExhausted}; {@link NetworkError}.
   */
  async uploadJson(body: Uint8Array | string, options: CallOptions = {}): Promise<UploadResult> {
    return this.uploadBody(typeof body === 'string' ? body : ownBuffer(body), 'application/json', true, options);
  }

  /**
   * Uploads a TCX or GPX file as it is (`Content-Type: application/vnd.garmin.tcx+xml` or
   * `application/gpx+xml`).
   *
   * **Retried only after a 429.** The file carries no `externalId`, the one thing Smashrun recognises a
   * repeat by: sent again after a failure that may have come after Smashrun stored the run — a dropped
   * connection, a lost answer, a timeout, a 5xx — it could store the run twice. Such a failure ends at once
   * as an {@link OutcomeUnknown}: look at the runs (`search({ fromDate })`) before sending the file again.
   * A 429 says Smashrun did not process the request: that one is retried as usual. Converting the file and
   * uploading its Activity JSON ({@link upload}) is the upload that is safe to retry.
   *
   * @throws {OutcomeUnknown} it may or may not have been stored; {@link SmashrunRejected};
   * {@link ApiError}; {@link AuthError}; {@link RetryExhausted} (429s only); {@link NetworkError}.
   */
  async uploadXml(body: string | Uint8Array, format: 'tcx' | 'gpx', options: CallOptions = {}): Promise<UploadResult> {
    if (format !== 'tcx' && format !== 'gpx') throw new LocalRefusal('format', `format must be 'tcx' or 'gpx', not ${String(format)}`);
    const type = format === 'tcx' ? 'application/vnd.garmin.tcx+xml' : 'application/gpx+xml';
    return this.uploadBody(typeof body === 'string' ? body : ownBuffer(body), type, false, options);
  }

  /**
   * Uploads a FIT file as `multipart/form-data` (one part, `file`, named `fileName`, default
   * `activity.fit`).
   *
   * **Retried only after a 429**, as {@link uploadXml} and for the same reason: a FIT file carries no
   * `externalId`, so a repeat after a failure that may have come after Smashrun stored the run could store
   * it twice. Such a failure ends as an {@link OutcomeUnknown}.
   *
   * @throws {OutcomeUnknown}; {@link SmashrunRejected}; {@link ApiError}; {@link AuthError};
   * {@link RetryExhausted} (429s only); {@link NetworkError}.
   */
  async uploadFit(bytes: Uint8Array, options: CallOptions & { fileName?: string } = {}): Promise<UploadResult> {
    const form = new FormData();
    form.append('file', new Blob([ownBuffer(bytes)], { type: 'application/vnd.ant.fit' }), options.fileName ?? 'activity.fit');
    return this.uploadBody(form, undefined, false, options);
  }

  /** Uploads a converted activity as Activity JSON (`converted.toBytes('json')`): see {@link uploadJson}. */
  async upload(converted: ConvertedActivity, options: CallOptions = {}): Promise<UploadResult> {
    return this.uploadJson(converted.toBytes('json'), options);
  }

  // ── Activities ───────────────────────────────────────────────────────────────────────────────────

  /**
   * One run in detail (`GET /my/activities/{id}`): Smashrun's document as it came, and the run read into
   * runjson's columns by runjson's own Activity JSON reader (`fromActivityJson`). Smashrun writes `-1`
   * for a missing latitude or longitude: those are read as missing (see `position-placeholders.ts`),
   * and counted in `positionPlaceholders`. A run entered by hand has no recordings: `activity` is `null`.
   *
   * @throws {ConvertError} (`invalid-activity`…) when the document's recordings cannot be read.
   */
  async getActivity(id: ActivityId, options: CallOptions = {}): Promise<ActivityDetail> {
    const path = activityPath(id);
    const document = (await this.#calls.json('GET', path, options, 'object')) as JsonObject;
    const { doc, replaced } = withoutPositionPlaceholders(document);
    const report = new Report();
    const keys = doc.recordingKeys;
    const activity = Array.isArray(keys) && keys.length > 0 ? fromActivityJson(doc, report) : null;
    return { document, activity, warnings: report.warnings, positionPlaceholders: replaced };
  }

  /** Every run's summary in one request (`GET /my/activities`): what a syncing client should use. */
  async listActivities(options: CallOptions = {}): Promise<ActivitySummary[]> {
    return (await this.#calls.json('GET', '/my/activities', options, 'array')) as ActivitySummary[];
  }

  /**
   * One page of summaries, newest first (`/my/activities/search`). `fromDate` filters on when Smashrun
   * last changed a run, not on its date. @throws {LocalRefusal} `count` over 100, a bad `page` or `fromDate`.
   */
  async search(options: SearchOptions = {}): Promise<ActivitySummary[]> {
    return this.searchOf('summaries', options);
  }

  /** As {@link search}, ids only (`/search/ids`). */
  async searchIds(options: SearchOptions = {}): Promise<number[]> {
    return this.searchOf('ids', options);
  }

  /** As {@link search}, `{activityId, startDateTimeLocal, distance, duration}` per run (`/search/briefs`). */
  async searchBriefs(options: SearchOptions = {}): Promise<ActivityBrief[]> {
    return this.searchOf('briefs', options);
  }

  /** As {@link search}, with more fields per run (`/search/extended`). */
  async searchExtended(options: SearchOptions = {}): Promise<ActivitySummary[]> {
    return this.searchOf('extended', options);
  }

  /**
   * The pages of a search, from `page` (default 0), `count` runs each (default 100), until Smashrun
   * answers an empty page.
   *
   * @example
   * ```ts
   * for await (const ids of smashrun.searchPages('ids', { fromDate: lastSync })) queue.push(...ids);
   * ```
   */
  async *searchPages<K extends SearchKind>(kind: K, options: SearchOptions = {}): AsyncGenerator<SearchResults[K][], void, undefined> {
    const count = options.count ?? MAX_SEARCH_COUNT;
    for (let page = options.page ?? 0; ; page++) {
      const rows = await this.searchOf(kind, { ...options, page, count });
      if (rows.length === 0) return;
      yield rows;
    }
  }

  /**
   * Replaces a run (`PUT /my/activities/{id}`) with the full object, `activityId` set to `id` in the body.
   * Resolves with Smashrun's answer (`null` when empty).
   *
   * @throws {LocalRefusal} `activityId` when the document names another run.
   */
  async updateActivity(id: ActivityId, doc: ActivityDocument, options: CallOptions = {}): Promise<unknown> {
    const path = activityPath(id);
    const own = (doc as JsonObject).activityId;
    if (own !== undefined && own !== null && String(own) !== String(id)) {
      throw new LocalRefusal('activityId', `the document is run ${String(own)}, not ${String(id)}`);
    }
    return this.#calls.json('PUT', path, { ...options, body: JSON.stringify({ ...doc, activityId: id }), contentType: 'application/json' }, 'any');
  }

  /**
   * Changes some fields of a run (`PATCH /my/activities/{id}`): only `notes`, `duration`, `distance` and
   * `startDateTimeLocal`. Resolves with Smashrun's answer (`null` when empty).
   *
   * @throws {LocalRefusal} any other field, or a value of the wrong kind — nothing is sent.
   */
  async patchActivity(id: ActivityId, fields: ActivityPatch, options: CallOptions = {}): Promise<unknown> {
    const path = activityPath(id);
    const body = JSON.stringify(checkPatch(fields));
    return this.#calls.json('PATCH', path, { ...options, body, contentType: 'application/json' }, 'any');
  }

  /** Deletes a run (`DELETE /my/activities/{id}`). */
  async deleteActivity(id: ActivityId, options: CallOptions = {}): Promise<void> {
    await this.#calls.json('DELETE', activityPath(id), options, 'any');
  }

  /** A run's splits per kilometre or mile (`/splits/km`, `/splits/mi`). */
  async splits(id: ActivityId, unit: 'km' | 'mi', options: CallOptions = {}): Promise<JsonObject[]> {
    if (unit !== 'km' && unit !== 'mi') throw new LocalRefusal('unit', `unit must be 'km' or 'mi', not ${String(unit)}`);
    return (await this.#calls.json('GET', `${activityPath(id)}/splits/${unit}`, options, 'array')) as JsonObject[];
  }

  /** A run's notables (`/notables`), as Smashrun sends them. */
  async notables(id: ActivityId, options: CallOptions = {}): Promise<unknown> {
    return this.#calls.json('GET', `${activityPath(id)}/notables`, options, 'any');
  }

  /** A run's route as a Google encoded polyline (`/polyline`), as Smashrun sends it. */
  async polyline(id: ActivityId, options: CallOptions = {}): Promise<unknown> {
    return this.#calls.json('GET', `${activityPath(id)}/polyline`, options, 'any');
  }

  // ── The account ──────────────────────────────────────────────────────────────────────────────────

  /** The account (`/my/userinfo`), `id` a string. */
  async userInfo(options: CallOptions = {}): Promise<UserInfo> {
    const body = await this.#calls.json('GET', '/my/userinfo', options, 'object');
    const info = userInfoFrom(body);
    if (info === null) throw this.#calls.badResponse('GET', '/my/userinfo', body, 'the account has no id');
    return info;
  }

  /** The goal of a year or a month (`/my/goals/{year}[/{month}]`); `null` when none is set. */
  async goals(year: number, month?: number, options: CallOptions = {}): Promise<JsonObject | null> {
    if (year === undefined) throw new LocalRefusal('year', 'goals need a year');
    return (await this.#calls.json('GET', `/my/goals${periodPath(year, month)}`, options, 'object-or-null')) as JsonObject | null;
  }

  /** Totals and averages: of all time, a year or a month (`/my/stats[/{year}[/{month}]]`). */
  async stats(year?: number, month?: number, options: CallOptions = {}): Promise<JsonObject> {
    return (await this.#calls.json('GET', `/my/stats${periodPath(year, month)}`, options, 'object')) as JsonObject;
  }

  /** The badges earned (`/my/badges`). */
  async badges(options: CallOptions = {}): Promise<JsonObject[]> {
    return (await this.#calls.json('GET', '/my/badges', options, 'array')) as JsonObject[];
  }

  /** Every body weight recording (`/my/body/weight`). */
  async weights(options: CallOptions = {}): Promise<JsonObject[]> {
    return (await this.#calls.json('GET', '/my/body/weight', options, 'array')) as JsonObject[];
  }

  /** The latest body weight recording (`/my/body/weight/latest`); `null` when there is none. */
  async latestWeight(options: CallOptions = {}): Promise<JsonObject | null> {
    return (await this.#calls.json('GET', '/my/body/weight/latest', options, 'object-or-null')) as JsonObject | null;
  }

  /**
   * Records a body weight (`POST /my/body/weight`, `Content-Type: application/json`: Smashrun answers 415
   * without it). Resolves with Smashrun's answer (`null` when empty).
   */
  async addWeight(kg: number, date?: Date | string, options: CallOptions = {}): Promise<unknown> {
    // Retried like the other calls: a repeat records the same weight for the same date again, which adds no
    // run and changes no total (the sandbox keeps one recording per date).
    return this.#calls.json('POST', '/my/body/weight', { ...options, body: weightBody(kg, date), contentType: 'application/json', idempotent: true }, 'any');
  }

  // ── Plumbing ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * POSTs an upload. `idempotent`: true for Activity JSON (its `externalId` makes a repeat an update);
   * false for raw files, which carry none — retried after a 429 only, since after a lost answer, a timeout
   * or a 5xx Smashrun may already have stored the run and a repeat could store it twice.
   */
  private async uploadBody(body: Body, contentType: string | undefined, idempotent: boolean, options: CallOptions): Promise<UploadResult> {
    const path = '/my/activities';
    const a = await this.#calls.send('POST', path, { ...options, body, idempotent, ...(contentType === undefined ? {} : { contentType }) });
    return readUploadAnswer(a.status, this.#calls.errorBody(a), path);
  }

  private async searchOf<K extends SearchKind>(kind: K, options: SearchOptions): Promise<SearchResults[K][]> {
    const query = searchQuery(options);
    return (await this.#calls.json('GET', `/my/activities${SEARCH_PATHS[kind]}`, { ...options, query }, 'array')) as SearchResults[K][];
  }

  /** `/auth/{token}` for the stored token, which is also the bearer token sent. */
  private async tokenPath(method: 'GET' | 'DELETE', options: CallOptions): Promise<Answer> {
    const t = await this.#auth.load();
    if (t === null) throw new AuthError(SmashrunErrorCode.NoToken, 'no token is stored');
    return this.#calls.send(method, `/auth/${encodeURIComponent(t.accessToken)}`, { ...options, shownPath: '/auth/{token}', token: t.accessToken });
  }
}

/** `/my/activities/{id}`, the id checked. */
function activityPath(id: ActivityId): string {
  const ok = typeof id === 'string' ? id !== '' && id.length <= 64 : Number.isSafeInteger(id) && id >= 0;
  if (!ok) throw new LocalRefusal('activityId', `an activity id is a non-empty string or an integer ≥ 0, not ${typeof id === 'string' ? JSON.stringify(id.slice(0, 64)) : String(id)}`);
  return `/my/activities/${encodeURIComponent(String(id))}`;
}

/** The bytes in an `ArrayBuffer` of their own when they are in a shared one (what `fetch` and `Blob` take). */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
