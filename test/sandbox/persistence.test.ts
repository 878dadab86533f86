/**
 * State in a folder: a sandbox restarted on the same `dataDir` keeps its runs (ids, upserts, deletions),
 * users, tokens and weights; the folder holds one file per run and an index, no temp file, and no token
 * as it was issued.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/index.js';
import { makeActivity } from '../helpers/make-activity.js';
import { api, bearer, fileForm, fixture, upload, uploadJson } from './sandbox-helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'runjson-sandbox-'));
  dirs.push(d);
  return d;
}

describe('dataDir', () => {
  it('a restarted sandbox keeps runs, users, tokens and weights', async () => {
    const dataDir = tempDir();
    const first = await startSandbox({ dataDir });
    const issued = first.issueToken({ user: 'ana', clientId: 'app' });
    const t = issued.accessToken;
    const doc = makeActivity({ seed: 1 });
    doc.externalId = 'ext-1';
    const a = (await uploadJson(first, t, doc)).body.activityIds[0];
    const b = (await upload(first, t, fileForm(fixture('fit/fenix2-run.fit')))).body.activityIds[0];
    const c = (await uploadJson(first, t, makeActivity({ seed: 2 }))).body.activityIds[0];
    await api(first, t, 'DELETE', `/my/activities/${c}`);
    await api(first, t, 'PATCH', `/my/activities/${a}`, JSON.stringify({ notes: 'kept' }), { 'content-type': 'application/json' });
    await api(first, t, 'POST', '/my/body/weight', JSON.stringify({ date: '2024-05-01', weightInKilograms: 60 }), { 'content-type': 'application/json' });
    const userinfo = (await api(first, t, 'GET', '/my/userinfo')).body;
    const activities = first.activities;
    await first.close();

    const files = readdirSync(dataDir).sort();
    expect(files).toEqual(['index.json', 'runs']);
    expect(readdirSync(join(dataDir, 'runs')).sort()).toEqual([`${a}.json`, `${b}.json`, `${c}.json`].sort());
    const all = readFileSync(join(dataDir, 'index.json'), 'utf8') + readdirSync(join(dataDir, 'runs')).map((f) => readFileSync(join(dataDir, 'runs', f), 'utf8')).join('');
    expect(all).not.toContain(t);
    expect(all).not.toContain(issued.refreshToken);

    const second = await startSandbox({ dataDir });
    try {
      expect(second.activities).toEqual(activities);
      expect((await api(second, t, 'GET', '/my/userinfo')).body).toEqual(userinfo);
      expect((await api(second, t, 'GET', `/my/activities/${a}`)).body.notes).toBe('kept');
      expect((await api(second, t, 'GET', `/my/activities/${c}`)).status).toBe(404);
      expect((await api(second, t, 'GET', '/my/activities/search/ids')).body).toHaveLength(2);
      expect((await api(second, t, 'GET', '/my/body/weight/latest')).body).toEqual({ date: '2024-05-01', weightInKilograms: 60 });
      // The refresh token works too.
      const refreshed = await fetch(`${second.authBase}/oauth2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: issued.refreshToken as string, client_id: 'app', client_secret: 's' }),
      });
      expect(refreshed.status).toBe(200);
      // The upsert still finds the run; new ids never reuse old ones.
      doc.notes = 'again';
      expect((await uploadJson(second, t, doc)).body.activityIds).toEqual([a]);
      const d = (await uploadJson(second, t, makeActivity({ seed: 3 }))).body.activityIds[0];
      expect(Number(d)).toBeGreaterThan(Math.max(Number(a), Number(b), Number(c)));
      expect(second.users.map((u) => u.userName).sort()).toEqual(['ana', 'runner']);
    } finally {
      await second.close();
    }
  });

  it('leftover temp files are removed; state of another version is refused', async () => {
    const dataDir = tempDir();
    const s = await startSandbox({ dataDir });
    await s.close();
    writeFileSync(join(dataDir, 'runs', '.sandbox-1-0.tmp'), 'half');
    await (await startSandbox({ dataDir })).close();
    expect(readdirSync(join(dataDir, 'runs'))).toEqual([]);
    const index = JSON.parse(readFileSync(join(dataDir, 'index.json'), 'utf8'));
    writeFileSync(join(dataDir, 'index.json'), JSON.stringify({ ...index, version: 99 }));
    await expect(startSandbox({ dataDir })).rejects.toMatchObject({ name: 'SandboxError', code: 'data-dir' });
  });

  it('without dataDir nothing is kept', async () => {
    const s = await startSandbox();
    const t = s.issueToken().accessToken;
    await uploadJson(s, t, makeActivity({ seed: 4 }));
    await s.close();
    const again = await startSandbox();
    try {
      expect(again.activities).toEqual([]);
      expect((await fetch(`${again.apiBase}/my/userinfo`, { headers: bearer(t) })).status).toBe(401);
    } finally {
      await again.close();
    }
  });
});
