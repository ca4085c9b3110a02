// Growable regions of linear memory, each owned by one module-level pointer (the symbol table's arena,
// refs, long refs and slots; the boundary's scratch and output).
//
// Why not heap.alloc/heap.realloc: the stub runtime traps (`unreachable`) when memory cannot grow, which
// would end an intern half-way. Here a failed growth returns 0 and the caller returns a status code,
// with the table untouched. assembly/ never creates managed objects (no `new`, no AS strings), so the
// stub runtime's allocator is never called and everything above __heap_base belongs to this file.
//
// Regions are bump-allocated: a reset keeps them (Prometheus symbols.go Reset keeps capacity), and
// callers grow geometrically. A region copied away from goes to a short free list that later
// allocations take from (best fit, the rest kept): the fused path's dozen tables all double while a
// large request is read, and without reuse a 1M-point request reached 3.4 GB of the 4 GB wasm32 limit.

const REGION_ALIGN: usize = 16;
const PAGE_BITS: u32 = 16;
const MAX_GROWTH_PAGES: i32 = 4096;
/** Highest end address we hand out: wasm32 memory is at most 2^32 bytes, keep `usize` from wrapping. */
const ADDRESS_LIMIT: u64 = (<u64>1 << 32) - <u64>REGION_ALIGN;

let regionsEnd: usize = (__heap_base + REGION_ALIGN - 1) & ~(REGION_ALIGN - 1);

// @ts-ignore: decorator
@inline function alignedSize(size: usize): u64 {
  return (<u64>size + <u64>REGION_ALIGN - 1) & ~(<u64>REGION_ALIGN - 1);
}

/** Makes linear memory reach `end`; doubles when it can (as the stub runtime does, up to 256 MiB a step) to grow rarely. */
function ensureMemoryUpTo(end: u64): bool {
  const pagesBefore = memory.size();
  const bytesBefore = <u64>pagesBefore << PAGE_BITS;
  if (end <= bytesBefore) return true;
  const pagesNeeded = <i32>((end - bytesBefore + 0xffff) >>> PAGE_BITS);
  // Doubling, but by 256 MiB at most: past 2 GiB a doubling would ask for the whole wasm32 space.
  const pagesWanted = max(min(pagesBefore, MAX_GROWTH_PAGES), pagesNeeded);
  if (memory.grow(pagesWanted) >= 0) return true;
  return memory.grow(pagesNeeded) >= 0;
}

/** Blocks given up by moved regions: (start u32, size u32), size 0 = an empty slot. */
const FREE_SLOTS: usize = 64;
const FREE: usize = memory.data(<i32>FREE_SLOTS * 8);

/** The smallest free block of at least `size` (aligned) bytes, its rest kept; 0 when none. */
function takeFree(size: u64): usize {
  let best: usize = 0;
  let bestSize: u64 = u64.MAX_VALUE;
  for (let slot = FREE; slot < FREE + FREE_SLOTS * 8; slot += 8) {
    const blockSize = <u64>load<u32>(slot, 4);
    if (blockSize >= size && blockSize < bestSize) {
      best = slot;
      bestSize = blockSize;
    }
  }
  if (best == 0) return 0;
  const start = <usize>load<u32>(best);
  store<u32>(best, <u32>(<u64>start + size));
  store<u32>(best, <u32>(bestSize - size), 4);
  return start;
}

/** Gives a block back; when the list is full the smallest block there or this one is abandoned. */
function giveFree(start: usize, size: u64): void {
  let smallest = FREE;
  for (let slot = FREE; slot < FREE + FREE_SLOTS * 8; slot += 8) {
    if (load<u32>(slot, 4) < load<u32>(smallest, 4)) smallest = slot;
  }
  if (<u64>load<u32>(smallest, 4) >= size) return;
  store<u32>(smallest, <u32>start);
  store<u32>(smallest, <u32>size, 4);
}

/** Start of `size` fresh (zeroed) bytes, or 0 when memory cannot grow that far. */
export function allocateRegion(size: usize): usize {
  const reused = takeFree(alignedSize(size));
  if (reused != 0) {
    // Fresh bytes read 0, as grown memory does (tables rely on it).
    memory.fill(reused, 0, size);
    return reused;
  }
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
  if (moved != 0) {
    memory.copy(moved, start, oldSize);
    giveFree(start, alignedSize(oldSize));
  }
  return moved;
}

/** Next capacity when `required` exceeds `current`: at least double, never below `minimum`. */
export function grownCapacity(current: u32, required: u32, minimum: u32): u32 {
  const doubled: u64 = <u64>current << 1;
  let next: u64 = max<u64>(doubled, <u64>required);
  next = max<u64>(next, <u64>minimum);
  return next > <u64>u32.MAX_VALUE ? u32.MAX_VALUE : <u32>next;
}
