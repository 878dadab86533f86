/**
 * runjson's Smashrun sandbox (`runjson/sandbox`, Node only): a real HTTP server on a loopback address that
 * behaves like Smashrun's API as far as it is known (docs/smashrun-api.md) — OAuth (code and implicit
 * flows, refresh, status, revoke), uploads read with runjson, the activity and account endpoints — with
 * its state in memory or a folder, deterministic fault injection and a request log free of credentials.
 * For integration tests of Smashrun clients and for app developers testing their uploaders.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'runjson/sandbox';
 *
 * const sandbox = await startSandbox();
 * const { accessToken } = sandbox.issueToken();
 * const res = await fetch(`${sandbox.apiBase}/my/activities`, {
 *   method: 'POST',
 *   headers: { authorization: `Bearer ${accessToken}` },
 *   body: activityJsonText,
 * });
 * console.log(await res.json()); // { activityIds: ['1000001'] } — or { validations: [...] }
 * await sandbox.close();
 * ```
 *
 * @packageDocumentation
 */
export {
  type Sandbox,
  type SandboxActivity,
  type SandboxStats,
  type SandboxUser,
  type IssueTokenOptions,
  startSandbox,
} from './sandbox.js';
export {
  type ClientRegistration,
  checkClients,
  type FaultOptions,
  isLoopback,
  type RequestLogEntry,
  SandboxError,
  SandboxErrorCode,
  type SandboxOptions,
} from './options.js';
export { DEFAULT_SCOPE, DEFAULT_USER, type IssuedToken } from './tokens.js';
export { type Validation } from './refusals.js';
export { type Notable } from './activity-views.js';
export { encodePolyline } from './polyline.js';
