// Byte and word hashing for the fused path's tables (attributes, label sets, series), and the slot
// insert of the tables whose u64 slots hold (entry + 1) | hash << 32 (label sets, series).

/**
 * A 32-bit hash of `length` bytes at `at`, 8 at a time (attributes are ~20-40 bytes). The last 8 bytes
 * are one load that may overlap the word before: a byte loop over a tail whose length varies from
 * attribute to attribute mispredicts its exit.
 */
export function hashBytes(at: usize, length: u32): u32 {
  let hash: u64 = 0x9e3779b97f4a7c15 ^ <u64>length;
  let last: u64 = 0;
  if (length < 8) {
    for (let i: u32 = 0; i < length; i++) last |= <u64>load<u8>(at + i) << (<u64>i << 3);
  } else {
    for (let i: u32 = 0; i + 8 < length; i += 8) {
      hash = (hash ^ load<u64>(at + i)) * 0xff51afd7ed558ccd;
      hash ^= hash >> 32;
    }
    last = load<u64>(at + length - 8);
  }
  hash = (hash ^ last) * 0xc4ceb9fe1a85ec53;
  return <u32>(hash ^ (hash >> 29));
}

/** Mixes one 64-bit word into `hash`. */
// @ts-ignore: decorator
@inline export function mixWord(hash: u64, word: u64): u64 {
  const mixed = (hash ^ word) * 0xff51afd7ed558ccd;
  return mixed ^ (mixed >> 32);
}

// @ts-ignore: decorator
@inline export function finishHash(hash: u64): u32 {
  // MurmurHash3's fmix64: every input bit reaches the low bits the slot masks keep (a single multiply
  // left series keys clustered: the series lookups were ~25% of add() at 10k points).
  let mixed = hash ^ (hash >> 33);
  mixed *= 0xff51afd7ed558ccd;
  mixed ^= mixed >> 33;
  mixed *= 0xc4ceb9fe1a85ec53;
  return <u32>(mixed ^ (mixed >> 33));
}

export function sameBytes(a: usize, b: usize, length: u32): bool {
  if (length < 8) {
    for (let i: u32 = 0; i < length; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
    return true;
  }
  // The last 8 bytes as one load, as in hashBytes.
  for (let i: u32 = 0; i + 8 < length; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  return load<u64>(a + length - 8) == load<u64>(b + length - 8);
}

/**
 * Puts `entry` with `hash` into the first free slot from `hash` on (linear probing) of `slotCount`
 * (a power of two) u64 slots at `slots`: (entry + 1) | hash << 32, 0 = free.
 */
export function insertHashedSlot(slots: usize, slotCount: u32, entry: u32, hash: u32): void {
  const mask = slotCount - 1;
  let slot = hash & mask;
  while (load<u64>(slots + (<usize>slot << 3)) != 0) slot = (slot + 1) & mask;
  store<u64>(slots + (<usize>slot << 3), <u64>(entry + 1) | (<u64>hash << 32));
}
