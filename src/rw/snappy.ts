import { createRequire } from 'node:module';
import { RemoteWriteDecodeError } from './errors.js';

/**
 * Snappy block format (not framed), as Remote-Write requires, via snappy-wasm. Node loads its CommonJS
 * build, which instantiates the WASM synchronously at require time; snappy-wasm's ESM build needs an
 * async init with the WASM bytes (the browser entry does that).
 */
interface SnappyWasm {
  compress_raw(input: Uint8Array): Uint8Array;
  decompress_raw(input: Uint8Array): Uint8Array;
}

let snappy: SnappyWasm | undefined;

function load(): SnappyWasm {
  snappy ??= createRequire(import.meta.url)('snappy-wasm') as SnappyWasm;
  return snappy;
}

/** Prometheus refuses bodies that decode to more than 32 MiB; so do we, before allocating. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

export function snappyCompress(input: Uint8Array): Uint8Array {
  return load().compress_raw(input);
}

export function snappyDecompress(input: Uint8Array, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Uint8Array {
  const length = snappyDecodedLength(input);
  if (length > maxDecompressedBytes) {
    throw new RemoteWriteDecodeError('too_large', `snappy body decodes to ${length} bytes, over the limit of ${maxDecompressedBytes}`);
  }
  try {
    return load().decompress_raw(input);
  } catch (error) {
    throw new RemoteWriteDecodeError('bad_snappy', `not a snappy block: ${String(error)}`);
  }
}

/** The uncompressed length from a snappy block's uvarint preamble. */
export function snappyDecodedLength(input: Uint8Array): number {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= input.length) break;
    const byte = input[i];
    length += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return length;
  }
  throw new RemoteWriteDecodeError('bad_snappy', 'not a snappy block: bad length preamble');
}
