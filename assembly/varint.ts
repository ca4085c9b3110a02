// Protobuf varints and short copies, for the writers (series.ts, set-labels.ts).

// @ts-ignore: decorator
@inline export function varintSize(value: u64): u32 {
  // 7 bits per byte: ceil(bits / 7) as (9 * bits + 64) / 64, exact for 1..64 bits, without a loop
  // (a ms timestamp takes 6 bytes: the loop ran 6 times per timestamp, twice per sample).
  const bits = 64 - <u32>clz<u64>(value | 1);
  return (bits * 9 + 64) >> 6;
}

/** Varints of at most this many bytes fit one u64 (values below 2^56): packVarint and a store<u64>. */
export const PACKED_VARINT_BYTES: u32 = 8;

/** The varint bytes of `value` (below 2^56) in a u64, first byte lowest: store<u64> writes them. */
export function packVarint(value: u64): u64 {
  let packed: u64 = 0;
  let shift: u64 = 0;
  while (value > 0x7f) {
    packed |= ((value & 0x7f) | 0x80) << shift;
    value >>= 7;
    shift += 8;
  }
  return packed | (value << shift);
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
