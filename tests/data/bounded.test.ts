/**
 * Issue 16: every stream is bounded while it is read. A gzip bomb in place of a data file stops at the largest
 * split there is (≈ 5.9 MB), in Node as in the page (the same lib/host/browser.ts fetchSplit and lib/data/bounded.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipBounded, readStreamBounded, responseTextBounded, TooLargeError } from '../../lib/data/bounded';
import { encodeSplit, MAX_ENCODED_SPLIT_BYTES } from '../../lib/data/encoding';
import { fetchSplit } from '../../lib/host/browser';
import { syntheticSplit } from '../train/synthetic';
import { gzipBomb } from './gzipBomb';


const streamOf = (bytes: Uint8Array, chunk = 64 * 1024) => new ReadableStream<Uint8Array>({
  start(controller) {
    for (let at = 0; at < bytes.length; at += chunk) controller.enqueue(bytes.subarray(at, at + chunk));
    controller.close();
  },
});

describe('bounded reads', () => {
  let bomb: Buffer;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    bomb = await gzipBomb(256); // 256 MB inflated
    const good = gzipSync(encodeSplit(syntheticSplit(50, 3)));
    server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      res.end(req.url === '/bomb.bin.gz' ? bomb : good);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a gzip bomb served as a data file is refused at the bound, without inflating it (memory stays low)', async () => {
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = process.memoryUsage();
    const started = performance.now();
    await expect(fetchSplit(`${base}/bomb.bin.gz`, 'data/mnist-test.bin.gz')).rejects.toThrow(
      /^data\/mnist-test\.bin\.gz is corrupt: data\/mnist-test\.bin\.gz \(decompressed\) is larger than 5\.9 MB, more than it can be; refused after reading \d+\.\d MB$/,
    );
    const after = process.memoryUsage();
    expect(after.arrayBuffers + after.heapUsed - before.arrayBuffers - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5000);
    // a real data file still loads
    expect((await fetchSplit(`${base}/good.bin.gz`, 'data/good.bin.gz')).count).toBe(50);
  });

  it('readStreamBounded stops at the limit; gunzipBounded bounds the inflated size', async () => {
    await expect(readStreamBounded(streamOf(new Uint8Array(1000)), 999, 'thing')).rejects.toThrow(TooLargeError);
    expect((await readStreamBounded(streamOf(new Uint8Array(1000)), 1000, 'thing')).length).toBe(1000);
    const small = gzipSync(new Uint8Array(MAX_ENCODED_SPLIT_BYTES + 1));
    await expect(gunzipBounded(streamOf(small), MAX_ENCODED_SPLIT_BYTES, 'x')).rejects.toThrow(/x \(decompressed\) is larger than 5\.9 MB/);
    expect((await gunzipBounded(streamOf(gzipSync(new Uint8Array(10))), 10, 'x')).length).toBe(10);
  });

  it('responseTextBounded refuses by Content-Length before reading, and while reading without it', async () => {
    const declared = new Response('x'.repeat(100), { headers: { 'content-length': '100' } });
    await expect(responseTextBounded(declared, 50, 'calibration/nightly-chip1.json')).rejects.toThrow('calibration/nightly-chip1.json is 100 bytes, larger than 50 bytes; not read');
    await expect(responseTextBounded(new Response(streamOf(new Uint8Array(100).fill(65), 10)), 50, 'p.json')).rejects.toThrow(/p\.json is larger than 50 bytes/);
    expect(await responseTextBounded(new Response('hello'), 50, 'p')).toBe('hello');
  });
});
