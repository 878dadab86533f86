/**
 * The strings that must never leave the client in an error: the client secret, every access and refresh
 * token and authorization code the client has held. Error messages are built without them in the first
 * place; this is the net under that, for what the client does not write itself — Smashrun's answers
 * (a token endpoint may echo what it was sent) and the platform's network error texts.
 *
 * Kept per client (state lives on instances). A rotated token stays in the set: an old token is still a
 * secret.
 */

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 6;

/** The secrets one client knows, and their removal from text and parsed answers. */
export class Secrets {
  // A private field (#): logging the client's parts never shows the secrets.
  readonly #values = new Set<string>();

  /** Adds a secret, and its encoded forms: in a URL path (`encodeURIComponent`) and in a form body. */
  add(value: string | undefined): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
    this.#values.add(value);
    this.#values.add(encodeURIComponent(value));
    this.#values.add(new URLSearchParams([['', value]]).toString().slice(1));
  }

  /** `text` with every known secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    let out = text;
    for (const v of this.#values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A copy of a parsed JSON value with every known secret replaced in its strings and keys. */
  redactValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    // Answers kept in errors are small; a deeper one is cut rather than walked.
    if (depth > 32) return REDACTED;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.redact(k)] = this.redactValue(v, depth + 1);
    return out;
  }
}
