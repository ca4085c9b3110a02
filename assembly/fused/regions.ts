// The fused path's growable tables, each a region of linear memory (../regions.ts) named by an index:
// grown geometrically keeping their contents, reused from request to request (reset keeps capacity),
// so memory reaches a steady state after the largest request.

import { growRegion, grownCapacity } from '../regions';

const MINIMUM_BYTES: u32 = 16 * 1024;

export const INPUT: u32 = 0;
export const STRING_BYTES: u32 = 1;
export const STRING_SPANS: u32 = 2;
export const RANKS: u32 = 3;
export const SYMBOL_OF: u32 = 4;
export const NUMBERED: u32 = 5;
export const ATTRIBUTES: u32 = 6;
export const ATTRIBUTE_SLOTS: u32 = 7;
export const FLOATS: u32 = 8;
export const FLOAT_SLOTS: u32 = 9;
export const SET_RECORDS: u32 = 10;
export const SET_POOL: u32 = 11;
export const SET_SLOTS: u32 = 12;
export const SERIES: u32 = 13;
export const SERIES_SLOTS: u32 = 14;
export const ROWS: u32 = 15;
export const HISTOGRAMS: u32 = 16;
export const BUCKETS: u32 = 17;
export const OUTPUT: u32 = 18;
export const SCRATCH: u32 = 19;
export const ATTRIBUTE_BYTES: u32 = 20;
export const QUANTILES: u32 = 21;
export const SET_BYTES: u32 = 22;
export const GROUP_BYTES: u32 = 23;
const REGION_COUNT: u32 = 24;

const TABLE: usize = memory.data(<i32>REGION_COUNT * 8);

// @ts-ignore: decorator
@inline export function start(region: u32): usize {
  return <usize>load<u32>(TABLE + (<usize>region << 3));
}

export function capacity(region: u32): u32 {
  return load<u32>(TABLE + (<usize>region << 3), 4);
}

/** Makes `region` hold at least `needed` bytes, keeping its contents; false when memory cannot grow. */
export function ensure(region: u32, needed: u64): bool {
  const slot = TABLE + (<usize>region << 3);
  const bytes = load<u32>(slot, 4);
  if (needed <= <u64>bytes) return true;
  if (needed > 0xfff00000) return false;
  const grown = grownCapacity(bytes, <u32>needed, MINIMUM_BYTES);
  const moved = growRegion(<usize>load<u32>(slot), bytes, grown);
  if (moved == 0) return false;
  store<u32>(slot, <u32>moved);
  store<u32>(slot, grown, 4);
  return true;
}

/**
 * Slot tables (entry index + 1, 0 empty; slots of 1 << `slotShift` bytes) sized to a power of two at
 * least twice `entries`; grown ones are cleared.
 */
export function ensureSlots(region: u32, entries: u32, slotCount: u32, slotShift: u32 = 2): u32 {
  if (<u64>entries << 1 < <u64>slotCount) return slotCount;
  let next: u32 = slotCount == 0 ? 1024 : slotCount << 1;
  while (<u64>next <= <u64>entries << 1) next <<= 1;
  if (!ensure(region, <u64>next << slotShift)) return 0;
  memory.fill(start(region), 0, <usize>next << slotShift);
  return next;
}
