/**
 * Time for the client: what the limiter, the retry policy and token expiry read and wait on. One small
 * interface so that tests drive all three with a fake clock, and a browser or Node gets the real one.
 */

/** A clock and a way to wait on it. */
export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin: only differences and token expiry use it). */
  now(): number;
  /**
   * Resolves after `ms` milliseconds; rejects with `signal.reason` as soon as `signal` aborts (and at
   * once when it already has).
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `Date.now()` and `setTimeout`: the clock of a real client. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: sleepFor,
};

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
