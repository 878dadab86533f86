/** What the sandbox tests share: plain `fetch` calls against a real sandbox, and fixtures to upload. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/paths.js';
import type { Sandbox } from '../../src/sandbox/index.js';

/** The `Authorization` header of a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A fixture's bytes (a copy of their own, usable as a fetch body). */
export function fixture(rel: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(join(FIXTURES, rel)));
}

/** A multipart form with one file part, as an uploader sends a FIT file. */
export function fileForm(bytes: Uint8Array<ArrayBuffer>, name = 'run.fit'): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), name);
  return form;
}

/** An API call: `path` below the API base, with the token; the body parsed when it is JSON. */
export async function api(
  sandbox: Sandbox,
  token: string,
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${sandbox.apiBase}${path}`, { method, headers: { ...bearer(token), ...headers }, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** POSTs an upload body as clients do (no Content-Type unless given). */
export function upload(sandbox: Sandbox, token: string, body: BodyInit, headers: Record<string, string> = {}): ReturnType<typeof api> {
  return api(sandbox, token, 'POST', '/my/activities', body, headers);
}

/** POSTs an Activity JSON object with `Content-Type: application/json`. */
export function uploadJson(sandbox: Sandbox, token: string, doc: unknown): ReturnType<typeof api> {
  return upload(sandbox, token, JSON.stringify(doc), { 'content-type': 'application/json' });
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.UTC(2024, 4, 12, 14, 20, 11)): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
