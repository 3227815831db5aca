/**
 * Model files are a public format: a file saved by an earlier ziffern must load in every later one. Each format
 * version keeps a fixture here (written once by that version's serializeModelFile, never regenerated); a newer
 * version than this reader knows is refused with a message naming both versions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { predict } from '../../lib/hagen/predict';
import { checkModelFileSize, MAX_MODEL_FILE_CHARS, MODEL_FILE_VERSION, parseModelFile, serializeModelFile } from '../../lib/modelfile/modelFile';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

/** What each fixture must load as; add an entry (and its file) whenever MODEL_FILE_VERSION grows. */
const FIXTURES = [
  {
    file: 'model-v1.json', version: 1, savedAt: '2026-11-20T12:00:00.000Z',
    params: { backend: 'mock', hidden: 8, layers: 1, shift: 1, epochs: 2, trainSize: 1000, seed: 7 },
    // predict(model, image, rng null) for image[i] = (7i mod 13) < 5, recorded when the fixture was written.
    logits: [-19, 60, -35, -10, 29, -13, 22, -109, 36, -69],
  },
];

describe('model file format versions', () => {
  it('there is a fixture for every version up to the current one', () => {
    expect(FIXTURES.map((f) => f.version)).toEqual(Array.from({ length: MODEL_FILE_VERSION }, (_, i) => i + 1));
  });

  it.each(FIXTURES)('$file (format version $version) loads with its parameters and gives the recorded predictions', ({ file, params, savedAt, logits }) => {
    const loaded = parseModelFile(fixture(file), file);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.savedAt).toBe(savedAt);
    expect(loaded.params).toMatchObject(params);
    expect(loaded.model.layers.map((l) => [l.inFeatures, l.outFeatures])).toEqual([[784, 8], [8, 10]]);
    const image = new Float32Array(784).map((_, i) => ((i * 7) % 13 < 5 ? 1 : 0));
    expect(Array.from(predict(loaded.model, image, null))).toEqual(logits);
    // And what this version writes from it loads again to the same model.
    const again = parseModelFile(serializeModelFile(loaded.model, loaded.params), 'again.json');
    expect(Array.from(predict(again.model, image, null))).toEqual(logits);
  });

  it('a file of a newer format version is refused naming both versions', () => {
    const newer = JSON.parse(fixture('model-v1.json'));
    newer.version = MODEL_FILE_VERSION + 1;
    expect(() => parseModelFile(JSON.stringify(newer), 'future.json')).toThrow(
      `model file "future.json": format version ${MODEL_FILE_VERSION + 1} is not supported: it was written by a newer ziffern; this ziffern reads format version ${MODEL_FILE_VERSION} (update ziffern to load it)`,
    );
  });

  it('the size is checked before a file is read (page: File.size; CLI: fstat)', () => {
    expect(() => checkModelFileSize(1024 ** 3, 'huge.json')).toThrow(/model file "huge.json": 1073\.7 MB is larger than any model ziffern writes .*not read/);
    expect(() => checkModelFileSize(MAX_MODEL_FILE_CHARS, 'ok.json')).not.toThrow();
    expect(() => checkModelFileSize(Number.NaN, 'x.json')).toThrow(/unknown size/);
  });
});
