/**
 * Reading untrusted bytes with a size limit that holds while they arrive, not after: a stream is read
 * chunk by chunk and refused as soon as it passes the limit, and gzip is inflated the same way, so a
 * 1 GB file or a gzip bomb costs at most the limit in memory. Web streams only, so the page, the
 * training worker and Node (tests, tools) share the code.
 */

export class TooLargeError extends Error {
  override name = 'TooLargeError';
}

/** "5.9 MB" / "812 kB" / "12 bytes", for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} bytes`;
}

/**
 * All bytes of `stream`, or a TooLargeError naming `what` once more than `maxBytes` arrived (the stream
 * is cancelled then; nothing beyond the limit is kept).
 */
export async function readStreamBounded(stream: ReadableStream<Uint8Array>, maxBytes: number, what: string): Promise<Uint8Array> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError(`readStreamBounded: maxBytes must be an integer ≥ 0, got ${maxBytes}`);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new TooLargeError(`${what} is larger than ${formatBytes(maxBytes)}, more than it can be; refused after reading ${formatBytes(total)}`);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/**
 * Inflate gzip from `stream`, refusing (TooLargeError) as soon as more than `maxInflatedBytes` come out.
 * A decompression bomb stops at the limit instead of filling memory.
 */
export function gunzipBounded(stream: ReadableStream<Uint8Array>, maxInflatedBytes: number, what: string): Promise<Uint8Array> {
  const inflated = stream.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  return readStreamBounded(inflated, maxInflatedBytes, `${what} (decompressed)`);
}

/** The text of a fetch Response, refused unread when its Content-Length is too big and while reading otherwise. */
export async function responseTextBounded(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new TooLargeError(`${what} is ${formatBytes(declared)}, larger than ${formatBytes(maxBytes)}; not read`);
  }
  if (!response.body) return '';
  return new TextDecoder().decode(await readStreamBounded(response.body, maxBytes, what));
}
