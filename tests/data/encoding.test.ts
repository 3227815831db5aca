import { gzipSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeSplit, encodedSize, encodeSplit } from '../../lib/data/encoding';
import { parseIdx } from '../../lib/data/idx';
import { binarise } from '../../lib/data/mnist';
import { loadMnistNode, mnistDataDirectory } from '../../lib/host/node-data';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('encodeSplit / decodeSplit', () => {
  it('round-trips the full test set against the binarised IDX source (through gzip)', async () => {
    // Independent source: parse the IDX files directly rather than through loadMnistNode.
    const directory = mnistDataDirectory();
    const pixels = parseIdx(new Uint8Array(readFileSync(join(directory, 't10k-images-idx3-ubyte'))), 't10k-images').data;
    const labels = parseIdx(new Uint8Array(readFileSync(join(directory, 't10k-labels-idx1-ubyte'))), 't10k-labels').data;
    const source = { images: binarise(pixels), labels: labels.slice(), count: 10000 };
    const encoded = encodeSplit(source);
    expect(encoded.length).toBe(encodedSize(10000));
    expect(encoded.length).toBe(12 + 10000 * 99);
    const decoded = decodeSplit(gunzipSync(gzipSync(encoded)), 'mnist-test.bin');
    expect(decoded.count).toBe(10000);
    expect(sameBytes(decoded.images, source.images)).toBe(true);
    expect(sameBytes(decoded.labels, source.labels)).toBe(true);
  });

  it('keeps all 70 000 images under 3 MB gzipped (default level; the build may use -9)', async () => {
    const data = await loadMnistNode();
    const bytes = gzipSync(encodeSplit(data.train)).length + gzipSync(encodeSplit(data.test)).length;
    expect(bytes).toBeLessThan(3 * 1024 * 1024);
  });

  it('packs pixels most significant bit first', () => {
    const images = new Uint8Array(784);
    images[0] = 1;
    images[9] = 1;
    const encoded = encodeSplit({ images, labels: Uint8Array.of(4), count: 1 });
    expect(String.fromCharCode(...encoded.subarray(0, 4))).toBe('ZMN1');
    expect(encoded[12]).toBe(4);
    expect([encoded[13], encoded[14], encoded[15]]).toEqual([0x80, 0x40, 0]);
  });

  it('rejects broken assets naming them', () => {
    const good = encodeSplit({ images: new Uint8Array(2 * 784), labels: Uint8Array.of(1, 2), count: 2 });
    expect(() => decodeSplit(good.subarray(0, 8), 'mnist-train.bin')).toThrow(/mnist-train\.bin: too short .*expected at least 12 header bytes, got 8/);
    expect(() => decodeSplit(good.subarray(0, good.length - 1), 'mnist-train.bin')).toThrow(/mnist-train\.bin: truncated: 2 images need 210 bytes, got 209/);
    expect(() => decodeSplit(gzipSync(good), 'mnist-train.bin')).toThrow(/mnist-train\.bin: not a ziffern data file: expected magic "ZMN1".*still gzip-compressed/);
    const future = good.slice();
    future[4] = 2;
    expect(() => decodeSplit(future, 'x.bin')).toThrow(/x\.bin: unsupported data format version: expected 1, got 2/);
    const badLabel = good.slice();
    badLabel[13] = 12;
    expect(() => decodeSplit(badLabel, 'x.bin')).toThrow(/x\.bin: label 1 is 12, expected 0\.\.9/);
  });

  it('rejects splits that are not binarised or inconsistent', () => {
    expect(() => encodeSplit({ images: new Uint8Array(784).fill(255), labels: Uint8Array.of(0), count: 1 })).toThrow(/split\.images\[0\] is 255, expected a binarised 0 or 1/);
    expect(() => encodeSplit({ images: new Uint8Array(784), labels: Uint8Array.of(0, 1), count: 1 })).toThrow(/split\.labels must hold count = 1 labels, got 2/);
  });
});
