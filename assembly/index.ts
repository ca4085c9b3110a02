// The module's exports: the JS/WASM boundary, crossed with bytes and integers once per batch.
//
//   scratch   JS writes the batch's UTF-8 bytes back to back (one TextEncoder.encodeInto of the joined
//             strings: ~3.4x faster than encoding string by string, measured in bench/engine.bench.ts)
//   output    u32 per string: JS writes its byte length there, internBatch overwrites it with the index
//
// JS reads the table through views on `memory` at arenaPtr/refsPtr/longRefsPtr. Any export below that
// may grow memory (init, ensureScratch, ensureOutput, internBatch) detaches those views and may move
// the regions: JS must re-read the pointers after calling it.

import { growRegion, grownCapacity } from './regions';
import {
  Status, arenaByteLength, arenaPointer, initSymbols, internBytes, longRefTotal, longRefsPointer,
  refsPointer, resetSymbols, symbolTotal,
} from './symbols';

// Smallest first allocation; JS asks for its own sizes through ensureScratch/ensureOutput.
const INITIAL_SCRATCH_BYTES: u32 = 64 * 1024;
const INITIAL_OUTPUT_INDICES: u32 = 4 * 1024;

let scratchStart: usize = 0;
let scratchBytes: u32 = 0;
let outputStart: usize = 0;
let outputIndices: u32 = 0;

/** Allocates the symbol table; call once after instantiating, then size the regions below. */
export function init(): Status {
  return initSymbols();
}

export function scratchPtr(): usize { return scratchStart; }
export function scratchCapacity(): u32 { return scratchBytes; }
export function outputPtr(): usize { return outputStart; }
export function outputCapacity(): u32 { return outputIndices; }

/** Makes the scratch hold at least `bytes`. Its contents are not kept meaningful across growth. */
export function ensureScratch(bytes: u32): Status {
  if (bytes <= scratchBytes) return Status.OK;
  const capacity = grownCapacity(scratchBytes, bytes, INITIAL_SCRATCH_BYTES);
  const start = growRegion(scratchStart, scratchBytes, capacity);
  if (start == 0) return Status.OUT_OF_MEMORY;
  scratchStart = start;
  scratchBytes = capacity;
  return Status.OK;
}

/** Makes the output hold at least `count` indices. */
export function ensureOutput(count: u32): Status {
  if (count <= outputIndices) return Status.OK;
  const capacity = grownCapacity(outputIndices, count, INITIAL_OUTPUT_INDICES);
  if (capacity > (u32.MAX_VALUE >>> 2)) return Status.OUT_OF_MEMORY;
  const start = growRegion(outputStart, <usize>outputIndices << 2, <usize>capacity << 2);
  if (start == 0) return Status.OUT_OF_MEMORY;
  outputStart = start;
  outputIndices = capacity;
  return Status.OK;
}

/**
 * Interns `count` strings: string i has output[i] bytes, following string i-1's in the scratch. Writes
 * its index over output[i]. On a non-OK status the strings before the failing one are interned and the
 * table is consistent.
 */
export function internBatch(count: u32): Status {
  const ready = initSymbols();
  if (ready != Status.OK) return ready;
  if (count > outputIndices) return Status.OUTPUT_TOO_SMALL;
  let cursor = scratchStart;
  const end = scratchStart + <usize>scratchBytes;
  for (let i: u32 = 0; i < count; i++) {
    const slot = outputStart + (<usize>i << 2);
    const length = load<u32>(slot);
    if (<usize>length > end - cursor) return Status.MALFORMED_BATCH;
    const result = internBytes(cursor, length);
    if (result < 0) return <Status>-result;
    store<u32>(slot, <u32>result);
    cursor += length;
  }
  return Status.OK;
}

export function reset(): void { resetSymbols(); }
export function symbolCount(): u32 { return symbolTotal(); }
export function arenaPtr(): usize { return arenaPointer(); }
export function arenaLength(): u32 { return arenaByteLength(); }
export function refsPtr(): usize { return refsPointer(); }
export function longRefsPtr(): usize { return longRefsPointer(); }
export function longRefCount(): u32 { return longRefTotal(); }

export { labelNames, labelNamesPointer, rankNames } from './series-plan';
export { ensureSeriesInputBytes, numberBatch, seriesInputPointer, seriesOutputPointer, writeSeries } from './series';
export {
  beginNumbering, ensureIdSymbols, ensureLabelSets, idSymbolsPointer, labelPoolPointer, numberedLength, numberedPointer, setStartsPointer,
} from './request';
export * from './fused/request';
