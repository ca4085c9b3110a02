// Synchronous Snappy *block* format (the one Remote-Write uses) for tests, via snappy-wasm's CJS
// build, which loads its .wasm with fs at require time (the ESM build needs an async init).
import { createRequire } from 'node:module';

interface SnappyCjs {
  compress_raw(input: Uint8Array): Uint8Array<ArrayBuffer>;
  decompress_raw(input: Uint8Array): Uint8Array<ArrayBuffer>;
}

const snappy = createRequire(import.meta.url)('snappy-wasm') as SnappyCjs;

/** Snappy block-compress bytes (uvarint length preamble + elements; not the framed format). */
export function snappyCompress(input: Uint8Array): Uint8Array<ArrayBuffer> {
  return snappy.compress_raw(input);
}

/** Decompress Snappy block-format bytes. Throws on malformed input. */
export function snappyDecompress(input: Uint8Array): Uint8Array<ArrayBuffer> {
  return snappy.decompress_raw(input);
}
