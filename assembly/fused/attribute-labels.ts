// Data point attributes by the bytes of their whole KeyValue message: one probe per attribute gives
// its label (name id, value id) without decoding it. A KeyValue met for the first time is labelled by
// JS, synchronously (the `fusedAttributeLabel` import runs src/translate's rules on the decoded
// KeyValue), so names and values are the general path's by construction. Entries live across
// requests, as the string ids do, until JS clears both (fusedClearCaches).
//
//   entries  per entry (24 bytes): offset of its bytes, byte length, hash, (pad), label u64
//   bytes    the entries' KeyValue bytes back to back
//   slots    u32, open addressing: entry index + 1, 0 = empty

import { hashBytes, sameBytes } from './hash';
import { ATTRIBUTES, ATTRIBUTE_BYTES, ATTRIBUTE_SLOTS, ensure, ensureSlots, start } from './regions';

/** JS's label of the KeyValue bytes [at, at + length): name id | value id << 32, SKIP or DECLINED. */
@external('env', 'fusedAttributeLabel')
declare function attributeLabel(at: usize, length: u32): u64;

/** A value id: the value is empty, the point has no label of that name. */
export const NO_VALUE: u32 = 0xffffffff;
/** The attribute's key is `__name__`: ignored, as PointLabelSets.pointSet ignores it. */
export const SKIP: u64 = 0xfffffffffffffffe;
/** JS would not label it here (a rule the fast path leaves to the general path, or an error). */
export const DECLINED: u64 = 0xffffffffffffffff;

const ENTRY_BYTES: usize = 24;

let entryCount: u32 = 0;
let slotCount: u32 = 0;
let bytesLength: u32 = 0;

// The entry met last at each attribute position of a point (entry index + 1, 0 = none; positions
// from 16 on share slots): a metric's points list the same keys in the same order and often repeat a
// value, so the previous point's attribute at that position is compared first, without hashing.
const POSITION_SLOTS: u32 = 16;
const LAST_AT_POSITION: usize = memory.data(<i32>POSITION_SLOTS * 4);

export function clearAttributeLabels(): void {
  entryCount = 0;
  bytesLength = 0;
  memory.fill(LAST_AT_POSITION, 0, <usize>POSITION_SLOTS << 2);
  if (slotCount != 0) memory.fill(start(ATTRIBUTE_SLOTS), 0, <usize>slotCount << 2);
}

export function fusedAttributeCount(): u32 { return entryCount; }

/**
 * The label of the KeyValue bytes [at, at + length), the point's attribute number `position`, asking
 * JS the first time; DECLINED also when memory cannot grow.
 */
export function labelOfAttribute(at: usize, length: u32, position: u32): u64 {
  const last = LAST_AT_POSITION + (<usize>(position & (POSITION_SLOTS - 1)) << 2);
  // The candidates: the entry met last at this position, then the hash's probe sequence (one compare
  // for both keeps the module small).
  let held = load<u32>(last);
  let hash: u32 = 0;
  let hashed = false;
  let slot: u32 = 0;
  const mask = slotCount - 1;
  while (true) {
    if (held != 0) {
      const entry = start(ATTRIBUTES) + <usize>(held - 1) * ENTRY_BYTES;
      if ((!hashed || load<u32>(entry, 8) == hash) && load<u32>(entry, 4) == length && sameBytes(start(ATTRIBUTE_BYTES) + load<u32>(entry), at, length)) {
        store<u32>(last, held);
        return load<u64>(entry, 16);
      }
    }
    if (hashed) slot = (slot + 1) & mask;
    else {
      hash = hashBytes(at, length);
      hashed = true;
      slot = hash & mask;
    }
    if (slotCount == 0) break;
    held = load<u32>(start(ATTRIBUTE_SLOTS) + (<usize>slot << 2));
    if (held == 0) break;
  }
  // JS may call back into the module (fusedEnsureIds, fusedAddStrings): no region start is held across.
  const label = attributeLabel(at, length);
  if (label == DECLINED) return DECLINED;
  if (!add(at, length, hash, label)) return DECLINED;
  store<u32>(last, entryCount);
  return label;
}

function add(at: usize, length: u32, hash: u32, label: u64): bool {
  const slots = ensureSlots(ATTRIBUTE_SLOTS, entryCount + 1, slotCount);
  if (slots == 0) return false;
  if (!ensure(ATTRIBUTES, <u64>(entryCount + 1) * ENTRY_BYTES) || !ensure(ATTRIBUTE_BYTES, <u64>bytesLength + length)) return false;
  if (slots != slotCount) rehash(slots);
  const index = entryCount++;
  const entry = start(ATTRIBUTES) + <usize>index * ENTRY_BYTES;
  memory.copy(start(ATTRIBUTE_BYTES) + bytesLength, at, length);
  store<u32>(entry, bytesLength);
  store<u32>(entry, length, 4);
  store<u32>(entry, hash, 8);
  store<u64>(entry, label, 16);
  bytesLength += length;
  insert(index, hash);
  return true;
}

function insert(index: u32, hash: u32): void {
  const mask = slotCount - 1;
  const slots = start(ATTRIBUTE_SLOTS);
  let slot = hash & mask;
  while (load<u32>(slots + (<usize>slot << 2)) != 0) slot = (slot + 1) & mask;
  store<u32>(slots + (<usize>slot << 2), index + 1);
}

/** ensureSlots cleared the (grown) slots: every entry goes back in. */
function rehash(slots: u32): void {
  slotCount = slots;
  const entries = start(ATTRIBUTES);
  for (let e: u32 = 0; e < entryCount; e++) insert(e, load<u32>(entries + <usize>e * ENTRY_BYTES, 8));
}
