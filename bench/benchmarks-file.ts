/**
 * BENCHMARKS.md has two writers: bench/run.ts writes the whole file, bench/memory.ts only its memory
 * section, between the markers below. run.ts carries that section over, so either can run first.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const MEMORY_SECTION_START = '<!-- bench/memory.ts: start -->';
const MEMORY_SECTION_END = '<!-- bench/memory.ts: end -->';

/** The memory section bench/memory.ts last wrote, markers included, or a placeholder. */
export function readMemorySection(): string {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '';
  const start = current.indexOf(MEMORY_SECTION_START);
  const end = current.indexOf(MEMORY_SECTION_END);
  if (start >= 0 && end > start) return current.slice(start, end + MEMORY_SECTION_END.length);
  return wrap('## Memory\n\nNot measured yet: run `npx tsx bench/memory.ts`.');
}

/** Replaces the memory section of BENCHMARKS.md with `markdown` (appends it when there is none). */
export function writeMemorySection(markdown: string): void {
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(MEMORY_SECTION_START);
  const end = current.indexOf(MEMORY_SECTION_END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + wrap(markdown) + current.slice(end + MEMORY_SECTION_END.length)
      : `${current.trimEnd()}\n\n${wrap(markdown)}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}

function wrap(markdown: string): string {
  return `${MEMORY_SECTION_START}\n${markdown.trim()}\n${MEMORY_SECTION_END}`;
}
