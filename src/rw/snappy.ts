import * as snappyWasmBuild from 'snappy-wasm';
import { type WasmSource, WasmNotReadyError, decodeBase64, synchronousInitAllowed } from '../engine/wasm-init.js';
import { ProtoWriter } from '../protobuf/writer.js';
import { RemoteWriteDecodeError } from './errors.js';
import { SNAPPY_WASM_BASE64 } from './snappy-wasm-bytes.js';

/**
 * Snappy block format (not framed), as Remote-Write requires, via snappy-wasm's ESM (wasm-bindgen
 * "web") build, which does nothing until it is given its WASM. That WASM is embedded
 * (snappy-wasm-bytes.ts), so Node compiles it synchronously on first use, with no file read and no
 * Node built-in, and browsers compile it in `ready()` (src/browser.ts) from the same bytes or a URL.
 */
export interface SnappyBlockCodec {
  compress_raw(input: Uint8Array): Uint8Array;
  decompress_raw(input: Uint8Array): Uint8Array;
}

const { compress_raw, decompress_raw, initSync } = snappyWasmBuild;
/**
 * wasm-bindgen's `init`: the ESM build's default export. snappy-wasm's package.json has no "type", so
 * TypeScript reads es/snappy.d.ts as CommonJS and mistypes the default import; bundlers and Node (ESM
 * syntax detection, Node >= 20.19 / 22.7) load es/snappy.js as the ES module it is.
 */
const initSnappyWasm = (snappyWasmBuild as unknown as { default: (input: WasmSource) => Promise<unknown> }).default;
const snappyWasm: SnappyBlockCodec = { compress_raw, decompress_raw };

let snappy: SnappyBlockCodec | undefined;
let initializing: Promise<void> | undefined;

function load(): SnappyBlockCodec {
  if (snappy === undefined) {
    if (!synchronousInitAllowed()) {
      throw new WasmNotReadyError(
        'snappy',
        "snappy-wasm is not initialized yet: `await ready()` (from 'otlp2prw') before encodeSnappy(), encodeRequests() or " +
          'readWriteRequest() of a compressed body. Every engine, the \'js\' one too, compresses with snappy-wasm.',
      );
    }
    initSync(decodeBase64(SNAPPY_WASM_BASE64));
    snappy = snappyWasm;
  }
  return snappy;
}

/**
 * Initializes snappy-wasm asynchronously, from `source` or the embedded bytes; later calls share the
 * first one. Does nothing if a codec is already in place.
 */
export function initSnappy(source?: WasmSource): Promise<void> {
  if (snappy !== undefined) return Promise.resolve();
  const pending =
    initializing ??
    initSnappyWasm(source ?? decodeBase64(SNAPPY_WASM_BASE64)).then(
      () => {
        snappy ??= snappyWasm;
      },
      (error: unknown) => {
        initializing = undefined;
        throw error;
      },
    );
  initializing = pending;
  return pending;
}

/** Replaces snappy-wasm with another snappy *block* codec (for instance a pure-JS one). */
export function setSnappyCodec(codec: SnappyBlockCodec): void {
  snappy = codec;
}

/** Prometheus refuses bodies that decode to more than 32 MiB; so do we, before allocating. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 32 * 1024 * 1024;

export function snappyCompress(input: Uint8Array): Uint8Array {
  return load().compress_raw(input);
}

/** Snappy encoders (snap, Go's snappy) compress 64 KiB blocks independently. */
const SNAPPY_BLOCK_BYTES = 64 * 1024;

/**
 * Snappy block format written piece by piece, so a large request never sits uncompressed in full:
 * push() compresses whole 64 KiB blocks as they come and finish() prepends the total length. Because
 * the encoder compresses each 64 KiB block on its own, the result is byte for byte what
 * snappyCompress() gives for the whole input (checked in test/rw/snappy.test.ts); with another codec
 * (setSnappyCodec) it is still a valid snappy block.
 */
export class SnappyBlockWriter {
  private readonly parts: Uint8Array[] = [];
  private compressedBytes = 0;
  private rawBytes = 0;

  /**
   * Compresses the longest prefix of `data` made of whole 64 KiB blocks, or all of it when `last`;
   * returns how many bytes it took (the caller keeps the rest for the next push).
   */
  push(data: Uint8Array, last = false): number {
    const taken = last ? data.length : data.length - (data.length % SNAPPY_BLOCK_BYTES);
    if (taken === 0) return 0;
    const compressed = load().compress_raw(data.subarray(0, taken));
    // Each piece starts with its own length preamble; the stream has one, for the total.
    const body = compressed.subarray(uvarintLength(compressed));
    this.parts.push(body);
    this.compressedBytes += body.length;
    this.rawBytes += taken;
    return taken;
  }

  /** The snappy block of everything pushed (push with `last` first). */
  finish(): Uint8Array {
    if (this.rawBytes > 0xffffffff) throw new RangeError(`snappy cannot compress ${this.rawBytes} bytes: the block format ends at 4 GiB`);
    // The preamble is the total length as a uvarint, which the protobuf writer already writes.
    const writer = new ProtoWriter(5 + this.compressedBytes);
    writer.varint32(this.rawBytes);
    for (const part of this.parts) {
      writer.buf.set(part, writer.pos);
      writer.pos += part.length;
    }
    return writer.buf.subarray(0, writer.pos);
  }
}

function uvarintLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] >= 0x80) i++;
  return i + 1;
}

export function snappyDecompress(input: Uint8Array, maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES): Uint8Array {
  const length = snappyDecodedLength(input);
  if (length > maxDecompressedBytes) {
    throw new RemoteWriteDecodeError('too_large', `snappy body decodes to ${length} bytes, over the limit of ${maxDecompressedBytes}`);
  }
  const codec = load();
  try {
    return codec.decompress_raw(input);
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
