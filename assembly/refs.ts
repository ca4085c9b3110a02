// Packed symbol references: one u32 per symbol holding where its UTF-8 bytes sit in the arena.
// Layout (mirrored in src/engine/packed-ref.ts; both engines MUST agree bit for bit):
//
//   direct ref:  [ offset : 24 bits ][ length : 8 bits ]   when length < 255 and offset < 2^24
//   long ref:    [ longIndex : 24 bits ][ 0xFF ]           otherwise; longRefs[longIndex] = (offset, length)
//
// Why: label names and values are short (almost always < 255 bytes) and a request's arena is small
// (< 16 MiB), so one u32 covers the common case with no side lookup. The 0xFF length escape keeps
// long strings and big arenas working instead of imposing a silent limit.

/** Bits of a ref holding the length (or the escape). */
export const REF_LENGTH_BITS: u32 = 8;
/** Length field value meaning "look the symbol up in the long-ref table". */
export const REF_LENGTH_ESCAPE: u32 = 0xff;
/** First offset (and first long index) that no longer fits the upper 24 bits. */
export const REF_OFFSET_LIMIT: u32 = 1 << 24;

/** Bytes per long-ref entry: (offset u32, length u32). */
export const LONG_REF_BYTES: u32 = 8;

// @ts-ignore: decorator
@inline export function fitsDirectRef(offset: u32, length: u32): bool {
  return length < REF_LENGTH_ESCAPE && offset < REF_OFFSET_LIMIT;
}

// @ts-ignore: decorator
@inline export function packDirectRef(offset: u32, length: u32): u32 {
  return (offset << REF_LENGTH_BITS) | length;
}

// @ts-ignore: decorator
@inline export function packLongRef(longIndex: u32): u32 {
  return (longIndex << REF_LENGTH_BITS) | REF_LENGTH_ESCAPE;
}

// @ts-ignore: decorator
@inline export function isLongRef(ref: u32): bool {
  return (ref & REF_LENGTH_ESCAPE) == REF_LENGTH_ESCAPE;
}

/** Offset of a direct ref, or the long-ref index of a long ref. */
// @ts-ignore: decorator
@inline export function refUpperBits(ref: u32): u32 {
  return ref >>> REF_LENGTH_BITS;
}

// @ts-ignore: decorator
@inline export function directRefLength(ref: u32): u32 {
  return ref & REF_LENGTH_ESCAPE;
}
