/** Shared data types (DESIGN.md "Shared types"): binarised MNIST splits as flat typed arrays. */

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

export interface Split {
  /** count*784 values, binarised 0|1, row-major 28x28 per image. */
  images: Uint8Array;
  /** count labels 0..9. */
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  train: Split;
  test: Split;
}
