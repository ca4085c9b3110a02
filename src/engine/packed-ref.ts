/**
 * Packed symbol references: one uint32 per symbol saying where its UTF-8 bytes sit in the arena.
 * Mirrors assembly/refs.ts; both engines MUST agree bit for bit (test/engine/equivalence.test.ts).
 *
 *   direct ref:  [ offset : 24 bits ][ length : 8 bits ]      when length < 255 and offset < 2^24
 *   long ref:    [ longIndex : 24 bits ][ 0xFF ]              otherwise; the long-ref table holds
 *                                                              (offset u32, length u32) at longIndex
 *
 * Why this shape: label names and values are almost always shorter than 255 bytes and a request's
 * arena smaller than 16 MiB, so a single uint32 describes the symbol with no second lookup. The 0xFF
 * length escape keeps 255+ byte strings and bigger arenas working: no silent limit. Running out of
 * long indices needs 2^24 long symbols (16.7 million distinct strings past the first 16 MiB, or of
 * 255+ bytes each), far beyond one remote-write request, so it is an error rather than a case to handle.
 */

/** Bits of a ref holding the length (or the escape). */
export const REF_LENGTH_BITS = 8;
/** Length field value meaning "the offset and length are in the long-ref table". */
export const REF_LENGTH_ESCAPE = 0xff;
/** First offset (and first long index) that no longer fits the upper 24 bits. */
export const REF_OFFSET_LIMIT = 2 ** 24;

/** The direct ref for these bytes, or -1 when they need a long ref. */
export function packRef(offset: number, length: number): number {
  if (length < REF_LENGTH_ESCAPE && offset < REF_OFFSET_LIMIT) {
    return ((offset << REF_LENGTH_BITS) | length) >>> 0;
  }
  return -1;
}

/** The long ref pointing at entry `longIndex` of the long-ref table (caller checks the limit). */
export function packLongRef(longIndex: number): number {
  return ((longIndex << REF_LENGTH_BITS) | REF_LENGTH_ESCAPE) >>> 0;
}

export function isLongRef(ref: number): boolean {
  return (ref & REF_LENGTH_ESCAPE) === REF_LENGTH_ESCAPE;
}

/** Byte offset of a direct ref. */
export function refOffset(ref: number): number {
  return ref >>> REF_LENGTH_BITS;
}

/** Byte length of a direct ref. */
export function refLength(ref: number): number {
  return ref & REF_LENGTH_ESCAPE;
}

/** Long-ref table index of a long ref (same bits as a direct ref's offset). */
export function longRefIndex(ref: number): number {
  return ref >>> REF_LENGTH_BITS;
}
