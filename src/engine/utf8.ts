/**
 * The one UTF-8 encoder both engines use, so that their arena bytes are identical. Lone surrogates
 * become U+FFFD (EF BF BD), as TextEncoder does (WHATWG Encoding: "UTF-8 encode" of a scalar value
 * string), so every JS string interns without throwing.
 */

/** Shared by both engines; the WASM engine also encodes whole ASCII chunks with it. */
export const utf8Encoder = new TextEncoder();

/** Shared by `resolve` in both engines: one decoder, no per-call allocation of decoder state. */
export const utf8Decoder = new TextDecoder();

/** Most UTF-8 bytes per UTF-16 code unit: 3 for a BMP char or lone surrogate, a pair needs 4 for 2. */
export const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;

/**
 * Strings up to this many code units try a charCodeAt loop first: it beats encodeInto (a call plus a
 * subarray per string) below ~16-24 units, and loses above (measured on Node 20, flat ASCII strings:
 * 8 units 65 vs 153 ns, 16 units 123 vs 111 ns, 32 units 144 vs 128 ns).
 */
const ASCII_FAST_PATH_MAX_LENGTH = 16;

/**
 * Writes `value` as UTF-8 at `target[position...]` and returns the byte count. The caller guarantees
 * room for `value.length * MAX_UTF8_BYTES_PER_CODE_UNIT` bytes.
 */
export function writeUtf8(value: string, target: Uint8Array, position: number): number {
  const length = value.length;
  if (length <= ASCII_FAST_PATH_MAX_LENGTH) {
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) break;
      target[position + i] = code;
    }
    if (i === length) return length;
  }
  return utf8Encoder.encodeInto(value, target.subarray(position)).written;
}

interface WellFormedString {
  isWellFormed?(): boolean;
  toWellFormed?(): string;
}

/**
 * `value` with lone surrogates replaced by U+FFFD: two strings encode to the same UTF-8 bytes exactly
 * when their well-formed forms are equal, so this is the key a string-keyed table must use to agree
 * with the byte-keyed WASM table. Native since Node 20 / ES2024; the loop is for older runtimes.
 */
export function toWellFormed(value: string): string {
  const native = value as unknown as WellFormedString;
  if (native.toWellFormed !== undefined && native.isWellFormed !== undefined) {
    return native.isWellFormed() ? value : native.toWellFormed();
  }
  let result = '';
  let copiedUpTo = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      i++;
      continue;
    }
    result += value.slice(copiedUpTo, i) + '\ufffd';
    copiedUpTo = i + 1;
  }
  return copiedUpTo === 0 ? value : result + value.slice(copiedUpTo);
}
