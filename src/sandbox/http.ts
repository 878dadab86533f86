/**
 * The small HTTP vocabulary of the sandbox: a handler returns a {@link Reply} (status, headers, body)
 * instead of writing to the response, so that one place sends every answer and can cut it short (the
 * faults) and log it. Also: reading a body with a cap, content types, form bodies.
 */
import type { IncomingMessage } from 'node:http';

/** An answer, not yet sent. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const NO_BODY = new Uint8Array(0);

/** A JSON answer (`null` is a body too: `null` is what Smashrun answers for an unset goal). */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: encoder.encode(JSON.stringify(value)) };
}

/** An HTML page. */
export function html(status: number, page: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' },
    body: encoder.encode(page),
  };
}

/** A `302` to `location`. The location may carry a code or token: it is the one place they go. */
export function redirect(location: string): Reply {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: NO_BODY };
}

/** An answer with no body. */
export function empty(status: number, headers: Record<string, string> = {}): Reply {
  return { status, headers, body: NO_BODY };
}

/** An error answer in OAuth's shape (RFC 6749 §5.2), which the API's own errors share. */
export function errorReply(status: number, error: string, description: string, headers: Record<string, string> = {}): Reply {
  return json(status, { error, error_description: description }, headers);
}

/** Thrown by a handler to answer with an error; the dispatcher turns it into its {@link Reply}. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly reply: Reply;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.reply = errorReply(status, error, description, headers);
  }
}

/** Reads a whole request body, refusing (`413`) one longer than `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length']);
  if (declared > max) throw tooLarge(max);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > max) throw tooLarge(max);
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function tooLarge(max: number): HttpError {
  return new HttpError(413, 'payload_too_large', `the body is larger than ${max} bytes`);
}

/** The media type of a request (`application/json` for `application/json; charset=utf-8`), lower case; '' when none. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Refuses (`415`) a request whose body is not declared `application/json`. */
export function requireJsonType(req: IncomingMessage): void {
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', 'the body must be sent with Content-Type: application/json');
  }
}

/** Parses a JSON body (`400` when it is not JSON). */
export function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new HttpError(400, 'invalid_request', 'the body is not valid JSON');
  }
}

/** A JSON object body (`400` for anything else). */
export function parseJsonObject(body: Uint8Array): Record<string, unknown> {
  const v = parseJson(body);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HttpError(400, 'invalid_request', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

/**
 * The fields of a form body (`application/x-www-form-urlencoded`); a JSON object body is read too, for
 * clients that send their token request as JSON.
 */
export function parseForm(req: IncomingMessage, body: Uint8Array): URLSearchParams {
  const text = new TextDecoder().decode(body);
  if (mediaType(req) === 'application/json') {
    const obj = parseJsonObject(body);
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) if (typeof v === 'string' || typeof v === 'number') p.set(k, String(v));
    return p;
  }
  return new URLSearchParams(text);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
