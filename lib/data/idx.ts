/**
 * IDX files (the MNIST container): magic 0x00 0x00 <type> <ndims>, then ndims big-endian uint32
 * dimensions, then the data. Only type 0x08 (unsigned byte) is used by MNIST and accepted here.
 */

const UNSIGNED_BYTE = 0x08;
/** Magic numbers as MNIST documents them: 0x0803 = 2051 (images, 3 dims), 0x0801 = 2049 (labels, 1 dim). */
export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

interface IdxFile {
  dims: number[];
  data: Uint8Array;
  magic: number;
}

function hex(byte: number): string {
  return '0x' + byte.toString(16).padStart(2, '0');
}

/**
 * Parse and validate an IDX file. Errors name `fileName` and say what was expected and what was
 * found. `data` is a view into `bytes` (no copy).
 */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxFile {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${fileName}: expected the file's bytes as a Uint8Array`);
  if (bytes.length < 4) {
    throw new Error(`${fileName}: not an IDX file: expected at least a 4-byte header, got ${bytes.length} bytes`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${fileName}: not an IDX file: expected magic to start with 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}` +
      (bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (this is a gzip file: decompress it first)' : ''));
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new Error(`${fileName}: unsupported IDX data type: expected ${hex(UNSIGNED_BYTE)} (unsigned byte), got ${hex(bytes[2])}`);
  }
  const ndims = bytes[3];
  if (ndims < 1) throw new Error(`${fileName}: IDX file declares 0 dimensions: expected at least 1`);
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new Error(`${fileName}: truncated IDX header: expected ${headerLength} bytes for ${ndims} dimensions, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let expectedData = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    expectedData *= size;
  }
  const got = bytes.length - headerLength;
  if (got !== expectedData) {
    const what = got < expectedData ? 'truncated' : 'too long';
    throw new Error(`${fileName}: ${what}: dimensions ${dims.join('x')} need ${expectedData} data bytes, got ${got}`);
  }
  return { dims, data: bytes.subarray(headerLength), magic: view.getUint32(0, false) };
}
