/** Options: loopback only, checked values, messages that name a client but never its secret; the polyline encoder. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodePolyline, isLoopback, startSandbox } from '../../src/sandbox/index.js';
import { bearer } from './sandbox-helpers.js';

describe('host', () => {
  it('only loopback addresses', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '::ffff:10.0.0.1']) {
      await expect(startSandbox({ host })).rejects.toMatchObject({ name: 'SandboxError', code: 'not-loopback' });
    }
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(isLoopback(host)).toBe(true);
  });

  it('localhost and 127.x work; the URLs name the address bound', async () => {
    const s = await startSandbox({ host: 'localhost' });
    try {
      expect(s.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
      expect(s.apiBase).toBe(`${s.url}/v1`);
      expect(s.authBase).toBe(s.url);
      const t = s.issueToken().accessToken;
      expect((await fetch(`${s.apiBase}/my/userinfo`, { headers: bearer(t) })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('other options', () => {
  it('are checked', async () => {
    await expect(startSandbox({ port: 70000 })).rejects.toMatchObject({ code: 'bad-option' });
    await expect(startSandbox({ tokenLifetimeS: 0 })).rejects.toMatchObject({ code: 'bad-option' });
    await expect(startSandbox({ faults: { errors: { status: 503 } } })).rejects.toMatchObject({ code: 'bad-option' });
    const secret = 'never-in-a-message';
    const bad = startSandbox({ clients: { app: { secret, redirectUris: ['not a uri'] } } });
    await expect(bad).rejects.toMatchObject({ code: 'bad-option' });
    await bad.catch((e: Error) => {
      expect(e.message).toContain("'app'");
      expect(e.message).not.toContain(secret);
    });
  });

  it('a port in use fails to start', async () => {
    const other = createServer();
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      await expect(startSandbox({ port: (other.address() as AddressInfo).port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      other.close();
    }
  });

  it('maxUploadBytes: a larger upload is 413, as the body or as a multipart file', async () => {
    const s = await startSandbox({ maxUploadBytes: 1000 });
    try {
      const t = s.issueToken().accessToken;
      const big = new Uint8Array(2000).fill(0x20);
      expect((await fetch(`${s.apiBase}/my/activities`, { method: 'POST', headers: bearer(t), body: big })).status).toBe(413);
      const form = new FormData();
      form.append('file', new Blob([big]), 'run.fit');
      expect((await fetch(`${s.apiBase}/my/activities`, { method: 'POST', headers: bearer(t), body: form })).status).toBe(413);
      expect((await fetch(`${s.apiBase}/my/userinfo`, { headers: bearer(t) })).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('tokenLifetimeS and implicitTokenLifetimeS set expires_in', async () => {
    const s = await startSandbox({ tokenLifetimeS: 3600, implicitTokenLifetimeS: 60 });
    try {
      expect(s.issueToken().expiresIn).toBe(3600);
      expect(s.issueToken({ implicit: true }).expiresIn).toBe(60);
      expect(s.issueToken({ implicit: true }).refreshToken).toBeNull();
    } finally {
      await s.close();
    }
  });
});

describe('the home page', () => {
  it('says what the sandbox is and where its endpoints are', async () => {
    const s = await startSandbox();
    try {
      const res = await fetch(s.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const page = await res.text();
      expect(page).toContain('/oauth2/authenticate');
      expect(page).toContain('/v1');
    } finally {
      await s.close();
    }
  });
});

describe('encodePolyline', () => {
  it('gives Google\'s example, skips missing positions, and is empty without any', () => {
    expect(encodePolyline([38.5, 40.7, 43.252], [-120.2, -120.95, -126.453])).toBe('_p~iF~ps|U_ulLnnqC_mqNvxq`@');
    expect(encodePolyline([38.5, null, 40.7, NaN, 43.252], [-120.2, 5, -120.95, 1, -126.453])).toBe('_p~iF~ps|U_ulLnnqC_mqNvxq`@');
    expect(encodePolyline([], [])).toBe('');
  });
});
