/**
 * One abort listener per caller's signal, however many of its tasks the pool holds.
 *
 * A batch hands the pool one signal for all its files (the CLI's Ctrl-C), and every file waiting for a
 * worker must hear of an abort. With a listener per file on that shared signal, every batch of more than
 * ten files printed Node's `MaxListenersExceededWarning` (a batch keeps 3 × 8 files per worker queued),
 * and the listeners grew with the window. Here a signal gets one listener while at least one task is
 * subscribed to it, removed with the last; an abort calls each subscriber once.
 */
export class AbortFanOut {
  private readonly bySignal = new Map<AbortSignal, { listener: () => void; subscribers: Set<() => void> }>();

  /**
   * Calls `onAbort` once when `signal` aborts (the caller checks `signal.aborted` first: an abort that
   * already happened is not replayed). Returns the function that unsubscribes; calling it after the
   * abort, or twice, does nothing.
   */
  subscribe(signal: AbortSignal, onAbort: () => void): () => void {
    let entry = this.bySignal.get(signal);
    if (entry === undefined) {
      const subscribers = new Set<() => void>();
      const listener = (): void => {
        this.bySignal.delete(signal);
        // A copy: a subscriber may unsubscribe others while the abort runs.
        for (const s of [...subscribers]) s();
        subscribers.clear();
      };
      entry = { listener, subscribers };
      this.bySignal.set(signal, entry);
      signal.addEventListener('abort', listener, { once: true });
    }
    const own = entry;
    // A wrapper of its own, so that the same function subscribed twice is called twice.
    const subscriber = (): void => onAbort();
    own.subscribers.add(subscriber);
    return () => {
      if (!own.subscribers.delete(subscriber) || own.subscribers.size > 0) return;
      signal.removeEventListener('abort', own.listener);
      if (this.bySignal.get(signal) === own) this.bySignal.delete(signal);
    };
  }
}
