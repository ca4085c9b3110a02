/**
 * Compares two strings in UTF-8 byte order, the order Prometheus (Go string comparison) and the RW spec
 * use for label names. JS `<` compares UTF-16 code units, which puts astral characters (surrogates
 * D800-DFFF) before U+E000-U+FFFF; UTF-8 puts them after. Shifting the two ranges fixes that without
 * encoding anything.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) return utf8Rank(ca) - utf8Rank(cb);
  }
  return a.length - b.length;
}

function utf8Rank(codeUnit: number): number {
  if (codeUnit < 0xd800) return codeUnit;
  if (codeUnit >= 0xe000) return codeUnit - 0x800;
  return codeUnit + 0x2000;
}
