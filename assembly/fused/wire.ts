// Reading OTLP protobuf bytes in place: one cursor over the request copied into memory. Anything
// unexpected (a truncated field, an overlong varint, a group wire type) sets `malformed`; the caller
// then declines the request and the general path (src/otlp/decode-protobuf.ts) reports the exact error.

export let cursor: usize = 0;
export let limit: usize = 0;
export let malformed: bool = false;

export const VARINT: u32 = 0;
export const I64: u32 = 1;
export const LEN: u32 = 2;
export const I32: u32 = 5;

/** A varint of at most 10 bytes (protobuf's limit). */
export function readVarint(): u64 {
  let value: u64 = 0;
  for (let shift: u64 = 0; shift < 70; shift += 7) {
    if (cursor >= limit) break;
    const byte = <u64>load<u8>(cursor++);
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return value;
  }
  malformed = true;
  return 0;
}

export function readFixed64(): u64 {
  if (limit - cursor < 8) {
    malformed = true;
    cursor = limit;
    return 0;
  }
  const value = load<u64>(cursor);
  cursor += 8;
  return value;
}

/** A LEN field's end (the cursor is past its length); `limit` when it runs over. */
export function lengthEnd(): usize {
  const length = readVarint();
  if (length > <u64>(limit - cursor)) {
    malformed = true;
    return limit;
  }
  return cursor + <usize>length;
}

export function skipField(wireType: u32): void {
  if (wireType == VARINT) readVarint();
  else if (wireType == I64) readFixed64();
  else if (wireType == LEN) cursor = lengthEnd();
  else if (wireType == I32) {
    if (limit - cursor < 4) malformed = true;
    else cursor += 4;
  } else malformed = true;
}

/** protobuf sint32 from a varint: the low 32 bits, zigzag-decoded (the JS reader's varint32 + zigzag). */
// @ts-ignore: decorator
@inline export function zigzag32(raw: u64): i32 {
  const bits = <u32>raw;
  return <i32>(bits >>> 1) ^ -<i32>(bits & 1);
}

/** Positions the reader on [start, end) of the same request. */
export function enter(start: usize, end: usize): void {
  cursor = start;
  limit = end;
}

export function setCursor(value: usize): void { cursor = value; }
export function setLimit(value: usize): void { limit = value; }
export function resetMalformed(): void { malformed = false; }
