/**
 * Compact browser encoding of a binarised split: a 12-byte header, one byte per label, then every
 * image as 784 bits (98 bytes, row-major, most significant bit first). 70 000 images are 6.9 MB raw
 * and about 1.9 MB once the edges gzip it (Node zlib at build time, DecompressionStream in the page).
 *
 * Header (little-endian): bytes 0..3 "ZMN1" magic, byte 4 format version, byte 5 image side (28),
 * bytes 6..7 zero, bytes 8..11 image count (uint32).
 */
import { IMAGE_PIXELS, IMAGE_SIDE, NUM_CLASSES, type Split } from './types';

const ENCODING_MAGIC = 'ZMN1';
const ENCODING_VERSION = 1;
const ENCODING_HEADER_BYTES = 12;
const PACKED_IMAGE_BYTES = IMAGE_PIXELS / 8;

/** Exact size of an encoded split of `count` images. */
export function encodedSize(count: number): number {
  return ENCODING_HEADER_BYTES + count * (1 + PACKED_IMAGE_BYTES);
}

/** The most images a split holds (MNIST's training set); readers refuse anything larger unread. */
export const MAX_SPLIT_IMAGES = 60_000;
/** The largest encoded split (≈ 5.9 MB): the bound for inflating a data file, so a gzip bomb stops here. */
export const MAX_ENCODED_SPLIT_BYTES = encodedSize(MAX_SPLIT_IMAGES);

export function encodeSplit(split: Split): Uint8Array {
  const { images, labels, count } = split;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`split.count must be a non-negative integer, got ${count}`);
  if (images.length !== count * IMAGE_PIXELS) {
    throw new RangeError(`split.images must hold count*784 = ${count * IMAGE_PIXELS} pixels, got ${images.length}`);
  }
  if (labels.length !== count) throw new RangeError(`split.labels must hold count = ${count} labels, got ${labels.length}`);
  const out = new Uint8Array(encodedSize(count));
  const header = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = ENCODING_MAGIC.charCodeAt(i);
  out[4] = ENCODING_VERSION;
  out[5] = IMAGE_SIDE;
  header.setUint32(8, count, true);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= NUM_CLASSES) throw new RangeError(`split.labels[${i}] is ${labels[i]}, expected 0..${NUM_CLASSES - 1}`);
  }
  out.set(labels, ENCODING_HEADER_BYTES);
  let at = ENCODING_HEADER_BYTES + count;
  for (let p = 0; p < images.length; p += 8, at++) {
    let byte = 0;
    for (let bit = 0; bit < 8; bit++) {
      const pixel = images[p + bit];
      if (pixel > 1) throw new RangeError(`split.images[${p + bit}] is ${pixel}, expected a binarised 0 or 1`);
      byte = (byte << 1) | pixel;
    }
    out[at] = byte;
  }
  return out;
}

/** Decode (already decompressed) bytes; errors name the asset `name` and what is wrong. */
/** For each byte value, its 8 bits as 8 pixels (most significant first), as two 32-bit words. */
const UNPACKED = (() => {
  const pixels = new Uint8Array(256 * 8);
  for (let byte = 0; byte < 256; byte++) for (let bit = 0; bit < 8; bit++) pixels[byte * 8 + bit] = (byte >>> (7 - bit)) & 1;
  return new Uint32Array(pixels.buffer);
})();

export function decodeSplit(bytes: Uint8Array, name: string): Split {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${name}: expected the asset's bytes as a Uint8Array`);
  if (bytes.length < ENCODING_HEADER_BYTES) {
    throw new Error(`${name}: too short for a ziffern data file: expected at least ${ENCODING_HEADER_BYTES} header bytes, got ${bytes.length}`);
  }
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
  if (magic !== ENCODING_MAGIC) {
    const gzipHint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (still gzip-compressed: decompress it first)' : '';
    throw new Error(`${name}: not a ziffern data file: expected magic ${JSON.stringify(ENCODING_MAGIC)}, got ${JSON.stringify(magic)}${gzipHint}`);
  }
  if (bytes[4] !== ENCODING_VERSION) {
    throw new Error(`${name}: unsupported data format version: expected ${ENCODING_VERSION}, got ${bytes[4]}`);
  }
  if (bytes[5] !== IMAGE_SIDE) throw new Error(`${name}: expected ${IMAGE_SIDE}x${IMAGE_SIDE} images, got ${bytes[5]}x${bytes[5]}`);
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (count > MAX_SPLIT_IMAGES) throw new Error(`${name}: says it holds ${count} images; a ziffern data file holds at most ${MAX_SPLIT_IMAGES}`);
  if (bytes.length !== encodedSize(count)) {
    throw new Error(`${name}: ${bytes.length < encodedSize(count) ? 'truncated' : 'too long'}: ${count} images need ${encodedSize(count)} bytes, got ${bytes.length}`);
  }
  const labels = bytes.slice(ENCODING_HEADER_BYTES, ENCODING_HEADER_BYTES + count);
  const bad = labels.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) throw new Error(`${name}: label ${bad} is ${labels[bad]}, expected 0..${NUM_CLASSES - 1}`);
  // 784 pixels per image: a multiple of 8, so every packed byte becomes 8 pixels written as two 32-bit words
  // (the words of UNPACKED, made in the platform's byte order): a quarter of the stores of one pixel at a time.
  const images = new Uint8Array(count * IMAGE_PIXELS);
  const words = new Uint32Array(images.buffer);
  let at = ENCODING_HEADER_BYTES + count;
  for (let w = 0; w < words.length; w += 2, at++) {
    const byte = bytes[at] << 1;
    words[w] = UNPACKED[byte];
    words[w + 1] = UNPACKED[byte + 1];
  }
  return { images, labels, count };
}
