/**
 * Imports the built package, waiting for it: `npm run build` removes `dist/` before it compiles, so a run
 * that starts (or a worker thread that restarts) during someone's build would otherwise fail on a
 * missing module.
 */

/** Imports `url`, retrying once a second for up to `seconds`. */
export async function importPackage<T>(url: string, seconds = 120): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < seconds; attempt++) {
    try {
      return (await import(url)) as T;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw last;
}
