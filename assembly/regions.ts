// Growable regions of linear memory, each owned by one module-level pointer (the symbol table's arena,
// refs, long refs and slots; the boundary's scratch and output).
//
// Why not heap.alloc/heap.realloc: the stub runtime traps (`unreachable`) when memory cannot grow, which
// would end an intern half-way. Here a failed growth returns 0 and the caller returns a status code,
// with the table untouched. assembly/ never creates managed objects (no `new`, no AS strings), so the
// stub runtime's allocator is never called and everything above __heap_base belongs to this file.
//
// Regions are bump-allocated and never freed: a reset keeps them (Prometheus symbols.go Reset keeps
// capacity), and callers grow geometrically, so a region copied away from leaves at most as many
// abandoned bytes as the live ones.

const REGION_ALIGN: usize = 16;
const PAGE_BITS: u32 = 16;
/** Highest end address we hand out: wasm32 memory is at most 2^32 bytes, keep `usize` from wrapping. */
const ADDRESS_LIMIT: u64 = (<u64>1 << 32) - <u64>REGION_ALIGN;

let regionsEnd: usize = (__heap_base + REGION_ALIGN - 1) & ~(REGION_ALIGN - 1);

// @ts-ignore: decorator
@inline function alignedSize(size: usize): u64 {
  return (<u64>size + <u64>REGION_ALIGN - 1) & ~(<u64>REGION_ALIGN - 1);
}

/** Makes linear memory reach `end`; doubles when it can (as the stub runtime does) to grow rarely. */
function ensureMemoryUpTo(end: u64): bool {
  const pagesBefore = memory.size();
  const bytesBefore = <u64>pagesBefore << PAGE_BITS;
  if (end <= bytesBefore) return true;
  const pagesNeeded = <i32>((end - bytesBefore + 0xffff) >>> PAGE_BITS);
  const pagesWanted = max(pagesBefore, pagesNeeded);
  if (memory.grow(pagesWanted) >= 0) return true;
  return memory.grow(pagesNeeded) >= 0;
}

/** Start of `size` fresh bytes, or 0 when memory cannot grow that far. */
export function allocateRegion(size: usize): usize {
  const start = regionsEnd;
  const end = <u64>start + alignedSize(size);
  if (end > ADDRESS_LIMIT || !ensureMemoryUpTo(end)) return 0;
  regionsEnd = <usize>end;
  return start;
}

/**
 * Grows region `start` from `oldSize` to `newSize` bytes keeping its first `oldSize` bytes; returns the
 * (possibly moved) start, or 0 on failure with the old region intact. `start == 0` allocates.
 */
export function growRegion(start: usize, oldSize: usize, newSize: usize): usize {
  if (start == 0) return allocateRegion(newSize);
  const isLastRegion = <u64>start + alignedSize(oldSize) == <u64>regionsEnd;
  if (isLastRegion) {
    const end = <u64>start + alignedSize(newSize);
    if (end > ADDRESS_LIMIT || !ensureMemoryUpTo(end)) return 0;
    regionsEnd = <usize>end;
    return start;
  }
  const moved = allocateRegion(newSize);
  if (moved != 0) memory.copy(moved, start, oldSize);
  return moved;
}

/** Next capacity when `required` exceeds `current`: at least double, never below `minimum`. */
export function grownCapacity(current: u32, required: u32, minimum: u32): u32 {
  const doubled: u64 = <u64>current << 1;
  let next: u64 = max<u64>(doubled, <u64>required);
  next = max<u64>(next, <u64>minimum);
  return next > <u64>u32.MAX_VALUE ? u32.MAX_VALUE : <u32>next;
}
