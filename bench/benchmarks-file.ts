/**
 * BENCHMARKS.md has several writers: bench/run.ts writes the whole file; bench/interleaved.ts,
 * bench/batch.ts, bench/memory.ts and bench/bridge/load.ts each own one section between markers named after them. run.ts carries those
 * sections over, so the scripts can run in any order.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

/** The scripts that own a section, in the order their sections appear. */
export const SECTION_OWNERS = ['bench/interleaved.ts', 'bench/batch.ts', 'bench/memory.ts', 'bench/bridge/load.ts'] as const;
export type SectionOwner = (typeof SECTION_OWNERS)[number];

const markers = (owner: SectionOwner) => [`<!-- ${owner}: start -->`, `<!-- ${owner}: end -->`] as const;

/** The section `owner` last wrote, markers included, or a placeholder saying how to produce it. */
export function readSection(owner: SectionOwner): string {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '';
  const [startMarker, endMarker] = markers(owner);
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  if (start >= 0 && end > start) return current.slice(start, end + endMarker.length);
  return wrap(owner, `Not measured yet: run \`npx tsx ${owner}\`.`);
}

/** Replaces `owner`'s section of BENCHMARKS.md with `markdown` (appends it when there is none). */
export function writeSection(owner: SectionOwner, markdown: string): void {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '# Benchmarks\n';
  const [startMarker, endMarker] = markers(owner);
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + wrap(owner, markdown) + current.slice(end + endMarker.length)
      : `${current.trimEnd()}\n\n${wrap(owner, markdown)}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}

function wrap(owner: SectionOwner, markdown: string): string {
  const [startMarker, endMarker] = markers(owner);
  return `${startMarker}\n${markdown.trim()}\n${endMarker}`;
}
