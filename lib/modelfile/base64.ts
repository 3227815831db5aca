/**
 * Float32Array ⇄ base64 of little-endian bytes, the same in every host (no Buffer, no atob: atob's
 * errors differ between hosts and say nothing about which field was bad).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const ASCII = new TextDecoder();

/** Writes the ASCII codes into a byte array and decodes that once: far faster than string appends. */
export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const triple = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = CODES[triple >> 18];
    out[o++] = CODES[(triple >> 12) & 63];
    out[o++] = CODES[(triple >> 6) & 63];
    out[o++] = CODES[triple & 63];
  }
  const rest = bytes.length - whole;
  if (rest > 0) {
    const triple = (bytes[whole] << 16) | (rest === 2 ? bytes[whole + 1] << 8 : 0);
    out[o++] = CODES[triple >> 18];
    out[o++] = CODES[(triple >> 12) & 63];
    out[o++] = rest === 2 ? CODES[(triple >> 6) & 63] : 61; /* = */
    out[o++] = 61;
  }
  return ASCII.decode(out);
}

/** Strict decoder: padded standard base64 only. Throws an Error starting with `what`. */
export function base64ToBytes(text: string, what: string): Uint8Array {
  if (typeof text !== 'string') throw new Error(`${what} must be a base64 string, got ${text === null ? 'null' : typeof text}`);
  if (text.length % 4 !== 0) throw new Error(`${what} is not valid base64: length ${text.length} is not a multiple of 4 (truncated?)`);
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let triple = 0;
    for (let j = 0; j < 4; j++) {
      const code = text.charCodeAt(i + j);
      const isPad = code === 61 /* = */ && i + 4 === text.length && j >= 4 - padding;
      const value = isPad ? 0 : code < 128 ? DECODE[code] : -1;
      if (value < 0) throw new Error(`${what} is not valid base64: unexpected character at position ${i + j}`);
      triple = (triple << 6) | value;
    }
    out[o++] = (triple >> 16) & 255;
    if (o < out.length) out[o++] = (triple >> 8) & 255;
    if (o < out.length) out[o++] = triple & 255;
  }
  return out;
}

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return bytesToBase64(bytes);
}

export function base64ToFloat32(text: string, what: string): Float32Array {
  const bytes = base64ToBytes(text, what);
  if (bytes.length % 4 !== 0) throw new Error(`${what} holds ${bytes.length} bytes, not a whole number of float32 values`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
