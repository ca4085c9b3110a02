// The fused path's exports: one OTLP request in, one Remote-Write 2.0 request out, with JS settling
// every rule per resource, scope, metric and distinct string (src/engine/fused-request.ts).
//
//   fusedBeginRequest(bytes)  -> where JS copies the OTLP request (0: out of memory)
//   fusedExtendInput(bytes)   -> the same, grown for another request after the held ones
//   fusedWalkMetric(kind, start, end) per metric, after JS wrote its names (fusedNamesPointer), its
//                             context labels (fusedContextPointer + fusedSetContext) and metadata
//   fusedLabelledSample(...)  a sample of labels given whole (target_info)
//   fusedSeriesMayMerge       true: the request declines
//   fusedWriteRequest         the request's bytes at fusedOutputPointer()
//   fusedWritePiece           a request of some of its series (encodeRequests), read through
//                             fusedRecordsPointer and fusedSetPairs*
//
// Any non-OK status declines the request: JS drops it and runs the general path.

import { clearAttributeLabels } from './attribute-labels';
import { clearFloatLabels } from './float-labels';
import { NO_SET, putInNameInSet, resetLabelSets, setPairCount, setPairs } from './label-sets';
import { CONTEXT, MAX_CONTEXT, clearDeclined, setContextCount, setMaxSetPairs, setOfPairs } from './point-labels';
import { DECLINE, NAMES, OK, earliest, latest, scanData, scannedMonotonic, scannedTemporality, walkMetric, walkedPoints } from './points';
import { INPUT, SCRATCH, ensure, start } from './regions';
import {
  DUPLICATE, NO_SERIES, addSample, rowAt, existingRecord, groupCount, histogramCount, isGroup, lastTimestamp, makeSeries, recordCount, resetSeries, rowCount,
  seriesCount, seriesRecord, setMetadata,
} from './series';
import { fusedClearStrings } from './strings';
import { resetWriter, writePiece, writeRequest } from './writer';

export {
  fusedAddStrings, fusedClearStrings, fusedEnsureIds, fusedEnsureScratch, fusedEnsureStringBytes, fusedRanksPointer, fusedScratchPointer,
  fusedStringByteLength, fusedStringBytesPointer, fusedStringCount,
} from './strings';
export { fusedAttributeCount } from './attribute-labels';
export { fusedFloatCount } from './float-labels';
export { fusedOutputLength, fusedOutputPointer, fusedSymbolCount } from './writer';

/** Starts a request of `bytes` OTLP bytes: where JS copies them (8 bytes of slack after), 0 when memory cannot grow. */
export function fusedBeginRequest(bytes: u32, nameLabel: u32, leLabel: u32, quantileLabel: u32, maxSetPairs: u32): usize {
  resetLabelSets(leLabel, quantileLabel);
  resetSeries();
  resetWriter(nameLabel);
  setMaxSetPairs(maxSetPairs);
  if (!ensure(INPUT, <u64>bytes + 16)) return 0;
  return start(INPUT);
}

/**
 * Makes the request's input `bytes` long, keeping what JS copied in: a builder's next add() appends
 * its OTLP request after the held ones, whose series, sets and strings stay. Where the input now is
 * (8 bytes of slack after), 0 when memory cannot grow.
 */
export function fusedExtendInput(bytes: u32): usize {
  if (!ensure(INPUT, <u64>bytes + 16)) return 0;
  return start(INPUT);
}

/** Forgets the string-keyed caches (JS cleared its string table). */
export function fusedClearCaches(): void {
  clearAttributeLabels();
  clearFloatLabels();
  fusedClearStrings();
}

export function fusedNamesPointer(): usize { return NAMES; }
export function fusedContextPointer(): usize { return CONTEXT; }

/** The metric's context labels (count at fusedContextPointer) and metadata; false when too many. */
export function fusedSetMetric(contextCount: u32, type: u32, help: u32, unit: u32): bool {
  if (contextCount > MAX_CONTEXT) return false;
  setContextCount(contextCount);
  setMetadata(type, help, unit);
  return true;
}

/** Walks the data message at input [from, to) as `kind` (points.ts). OK or DECLINE. */
export function fusedWalkMetric(kind: u32, from: u32, to: u32): i32 {
  const input = start(INPUT);
  return walkMetric(kind, input + from, input + to);
}

/** points.ts scanData of [from, to) of the request: its point count or -1; then fusedScannedTemporality / fusedScannedMonotonic. */
export function fusedScanData(from: u32, to: u32): i32 {
  const input = start(INPUT);
  return scanData(input + from, input + to);
}
export function fusedScannedTemporality(): u32 { return scannedTemporality; }
export function fusedScannedMonotonic(): u32 { return scannedMonotonic; }

export function fusedWalkedPoints(): u32 { return walkedPoints; }
export function fusedEarliest(): f64 { return <f64>earliest; }
export function fusedLatest(): f64 { return <f64>latest; }

/**
 * A sample of value `value` at `timestamp` (start 0) of the series `name` + the `pairCount` sorted
 * pairs JS wrote at fusedScratchPointer() (u32 name, u32 value), with the metadata of the last
 * fusedSetMetric. A series may take more samples only right after its last one and later in time.
 */
export function fusedLabelledSample(pairCount: u32, name: u32, timestamp: f64, value: f64): i32 {
  const set = setOfPairs(start(SCRATCH), pairCount);
  if (set == NO_SET) return DECLINE;
  const ms = <i64>timestamp;
  let series = existingRecord(set, name);
  if (series != NO_SERIES) {
    // A group holds other series (with a `le` or `quantile` label) of this set and name.
    if (isGroup(series)) return DECLINE;
    const record = seriesRecord(series);
    const last = load<u32>(record, 28) + load<u32>(record, 32);
    if (series != recordCount - 1 || last != rowCount || lastTimestamp(series) >= ms) return DECLINE;
  } else {
    series = makeSeries(set, name);
    if (series >= DUPLICATE) return DECLINE;
  }
  return addSample(series, value, ms, 0, false) ? OK : DECLINE;
}

/**
 * Whether two of the request's series may have the same labels under different keys (series.ts): a
 * set with its own `le` or `quantile` label gives its series labels a group's series can have (gauge
 * `h_bucket` with a point label le="1", histogram `h`'s bucket le="1"), which the general path merges
 * into one series. Such requests decline.
 */
export function fusedSeriesMayMerge(): bool { return putInNameInSet && groupCount != 0; }

export function fusedSeriesCount(): u32 { return seriesCount; }
export function fusedSampleCount(): u32 { return rowCount; }
export function fusedHistogramCount(): u32 { return histogramCount; }

/** Numbers the symbols and writes the request (writer.ts): the symbol count, or -1 when memory cannot grow. */
export function fusedWriteRequest(idCount: u32, withCreated: bool): i32 {
  return writeRequest(idCount, withCreated);
}


/** writePiece (writer.ts) of the `count` entries JS wrote at fusedScratchPointer(). */
export function fusedWritePiece(count: u32, idCount: u32, withCreated: bool): i32 {
  return writePiece(start(SCRATCH), count, idCount, withCreated);
}

/** The series records (series.ts), for JS to list and shard them. */
export function fusedRecordsPointer(): usize { return seriesRecord(0); }
export function fusedRecordCount(): u32 { return recordCount; }
export function fusedRowsPointer(): usize { return rowAt(0); }
/** Set `set`'s pairs: u64 name id | value id << 32, sorted by name. */
export function fusedSetPairsPointer(set: u32): usize { return setPairs(set); }
export function fusedSetPairCount(set: u32): u32 { return setPairCount(set); }
