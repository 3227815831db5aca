import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mimeTypeFor, portFromEnv, resolveRequestPath, startStaticServer, type RunningServer } from '../../lib/host/serve.js';

describe('static server', () => {
  let root: string;
  let server: RunningServer;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ziffern-serve-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'a.wasm'), new Uint8Array([0, 97, 115, 109]));
    mkdirSync(join(root, 'data'));
    writeFileSync(join(root, 'data', 'x.bin.gz'), new Uint8Array([31, 139, 8]));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'index.html'), 'sub page');
    server = await startStaticServer({ root, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html for the root and the right MIME types', async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>x</title>');
    const wasm = await fetch(server.url + 'a.wasm');
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    const gz = await fetch(server.url + 'data/x.bin.gz');
    // Opaque bytes: no Content-Encoding, so fetch does not inflate what the page inflates itself.
    expect(gz.headers.get('content-encoding')).toBeNull();
    expect(new Uint8Array(await gz.arrayBuffer())).toEqual(new Uint8Array([31, 139, 8]));
  });

  it('redirects a directory without slash, serves its index, 404s missing files', async () => {
    const redirect = await fetch(server.url + 'sub', { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/sub/');
    expect(await (await fetch(server.url + 'sub/')).text()).toBe('sub page');
    expect((await fetch(server.url + 'missing.js')).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('never serves files outside the root', async () => {
    expect(resolveRequestPath('/srv/site', '/a/b.js?v=1')).toBe('/srv/site/a/b.js');
    expect(resolveRequestPath('/srv/site', '/../etc/passwd')).toBeNull();
    expect(resolveRequestPath('/srv/site', '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveRequestPath('/srv/site', '/%E0%A4%A')).toBeNull();
    expect(resolveRequestPath('/srv/site', '/a%00b')).toBeNull();
    // fetch() normalises "..", so send the raw path the way a hostile client would.
    const status = await new Promise<number | undefined>((done, fail) => {
      request({ host: '127.0.0.1', port: server.port, path: '/../../etc/passwd' }, (res) => {
        res.resume();
        done(res.statusCode);
      }).on('error', fail).end();
    });
    expect(status).toBe(400);
  });

  it('takes the first free port from firstPort when no port is given', async () => {
    const blocker = createServer();
    const blockedPort: number = await new Promise((done) => blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)));
    try {
      const next = await startStaticServer({ root, firstPort: blockedPort, attempts: 20 });
      expect(next.port).toBeGreaterThan(blockedPort);
      expect(next.url).toBe(`http://127.0.0.1:${next.port}/`);
      await next.close();
    } finally {
      blocker.close();
    }
  });

  it('rejects bad configuration with a message naming the input', () => {
    expect(() => portFromEnv('80a')).toThrow(/PORT/);
    expect(portFromEnv(undefined)).toBeUndefined();
    expect(portFromEnv('8081')).toBe(8081);
    expect(mimeTypeFor('x.JS')).toMatch(/javascript/);
    return expect(startStaticServer({ root: join(root, 'nope') })).rejects.toThrow(/root .* is not a directory/);
  });
});
