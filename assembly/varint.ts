// Protobuf varints and short copies, for the writers (series.ts, set-labels.ts).

// @ts-ignore: decorator
@inline export function varintSize(value: u64): u32 {
  let size: u32 = 1;
  while (value > 0x7f) {
    value >>= 7;
    size++;
  }
  return size;
}

/** Writes `value` as a varint at `at`; returns the end. */
export function writeVarint(at: usize, value: u64): usize {
  while (value > 0x7f) {
    store<u8>(at++, <u8>(value & 0x7f) | 0x80);
    value >>= 7;
  }
  store<u8>(at++, <u8>value);
  return at;
}

/**
 * Copies `length` bytes 8 at a time: label runs are ~10-40 bytes, too short for memory.copy, which
 * V8 calls out of line for. Reads and writes up to 7 bytes past the ends (callers leave room).
 */
// @ts-ignore: decorator
@inline export function copyBytes(to: usize, from: usize, length: u32): void {
  for (let i: usize = 0; i < <usize>length; i += 8) store<u64>(to + i, load<u64>(from + i));
}
