/** The one progress view of `convert` and `pull`: any item's line, the bar text it is given. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BarProgress, barText, ProgressView } from '../../src/cli/progress.js';
import { PullProgress } from '../../src/cli/pull/pull-report.js';
import type { RunResult } from '../../src/cli/pull/pull-runs.js';

afterEach(() => vi.restoreAllMocks());

function run(id: string, status: RunResult['status']): RunResult {
  const failed = status === 'failed';
  return { activityId: id, startDateTimeLocal: null, status, fetched: true, file: failed ? null : `${id}.json`, warnings: [], positionPlaceholders: 0, error: failed ? { code: 'http', message: 'boom' } : null };
}

describe('progress view', () => {
  it('draws the bar text it is given: throttled, redrawn after a line and for the last item', () => {
    let t = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => t);
    let out = '';
    const seen: BarProgress[] = [];
    const view = new ProgressView({ write: (s) => (out += String(s)), isTTY: true }, false, (p, columns) => {
      seen.push(p);
      return `<${p.done}/${p.total} ${columns}>`;
    });
    const at = (ms: number, done: number, failed = 0): BarProgress => {
      t = ms;
      return { total: 4, done, failed, elapsedMs: ms };
    };
    view.item(false, () => 'ok 1', at(200, 1));
    view.item(false, () => 'ok 2', at(250, 2)); // within 100 ms: not drawn
    view.item(true, () => 'failed 3', at(260, 3, 1)); // a line: drawn
    view.item(false, () => 'ok 4', at(270, 4, 1)); // the last: drawn
    view.finish();
    expect(out).toBe('\r\x1b[K<1/4 80>\r\x1b[Kfailed 3\n\r\x1b[K<3/4 80>\r\x1b[K<4/4 80>\r\x1b[K');
    expect(seen.map((p) => p.done)).toEqual([1, 3, 4]);
  });

  it('pull: its runs on the bar of convert, counted in runs/s', () => {
    let t = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => t);
    let out = '';
    const pull = new PullProgress({ write: (s) => (out += String(s)), isTTY: true, columns: 100 }, false, 'dir');
    pull.start(2);
    t = 1500;
    pull.update(run('1', 'failed'));
    t = 2000;
    pull.update(run('2', 'written'));
    pull.finish();
    const bar = (done: number, ms: number): string => barText({ total: 2, done, failed: 1, elapsedMs: ms }, 100, 'runs');
    expect(bar(2, 1000)).toMatch(/\] 2\/2 100%  2\.0 runs\/s  ETA 0:00  1 failed$/);
    expect(out).toBe(`failed      run 1: http: boom\n\r\x1b[K${bar(1, 500)}\r\x1b[K${bar(2, 1000)}\r\x1b[K`);
  });
});
