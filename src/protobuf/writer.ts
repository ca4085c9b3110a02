/**
 * A flat protobuf writer: tag, varint, double, bytes, and length-delimited nesting by reserve-and-patch.
 * `fork()` reserves one length byte (most RW messages - samples, labels_refs, small series - are under
 * 128 bytes); `join()` writes the length and, only when the body turned out longer, shifts it right to
 * widen the prefix. The buffer grows by doubling and is kept across `reset()` so steady-state encoding
 * allocates nothing but the final copy.
 */
/** Up to this many bytes, raw() copies byte by byte instead of calling set(). */
const SHORT_COPY_BYTES = 32;

export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;
  private readonly forks: number[] = [];

  constructor(initialCapacity = 1 << 16) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.pos = 0;
    this.forks.length = 0;
  }

  /** Makes room for `bytes` more bytes. */
  ensure(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }

  /** Forgets the first `count` bytes written (handed on elsewhere); none may be inside an open fork. */
  dropFront(count: number): void {
    if (this.forks.length > 0) throw new Error('ProtoWriter.dropFront inside an open fork');
    this.buf.copyWithin(0, count, this.pos);
    this.pos -= count;
  }

  /** A copy of everything written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  tag(field: number, wireType: number): void {
    this.varint32(((field << 3) | wireType) >>> 0);
  }

  /** A non-negative integer below 2^32. */
  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (value > 0x7f) {
      buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buf[pos++] = value;
    this.pos = pos;
  }

  /** An int64 varint from a JS number (exact below 2^53 in magnitude); negatives take 10 bytes, as in Go. */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint32(value);
      return;
    }
    if (value >= 0) this.varint64(value >>> 0, Math.floor(value / 4294967296) >>> 0);
    else {
      const [lo, hi] = negativeInt64Halves(value);
      this.varint64(lo, hi);
    }
  }

  /** A sint64 (zigzag) from a JS number exact below 2^53 in magnitude. */
  sint64(value: number): void {
    if (value >= 0 && value < 0x80000000) {
      this.varint32(value * 2);
      return;
    }
    if (value < 0 && value >= -0x80000000) {
      this.varint32(-value * 2 - 1);
      return;
    }
    const zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    this.varint64(zigzag >>> 0, Math.floor(zigzag / 4294967296) >>> 0);
  }

  sint32(value: number): void {
    this.varint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi > 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** A double given as raw bits, so NaN payloads (the stale marker) survive exactly. */
  doubleBits(lo: number, hi: number): void {
    this.fixed64(lo, hi);
  }

  /** A fixed64 (or sfixed64) from its unsigned 32-bit halves. */
  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, lo, true);
    this.view.setUint32(this.pos + 4, hi, true);
    this.pos += 8;
  }

  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.raw(value);
  }

  raw(value: Uint8Array): void {
    this.rawRange(value, 0, value.length);
  }

  /** Copies `source[from, to)`. */
  rawRange(source: Uint8Array, from: number, to: number): void {
    const length = to - from;
    this.ensure(length);
    if (length > SHORT_COPY_BYTES) {
      this.buf.set(from === 0 && to === source.length ? source : source.subarray(from, to), this.pos);
      this.pos += length;
      return;
    }
    // Most strings RW1 writes are label names and values: a loop beats set()'s per-call cost there.
    const buf = this.buf;
    let pos = this.pos;
    for (let i = from; i < to; i++) buf[pos++] = source[i];
    this.pos = pos;
  }

  /** Begins a length-delimited body; the tag must already be written. */
  fork(): void {
    this.ensure(1);
    this.forks.push(this.pos);
    this.pos += 1;
  }

  /**
   * fork() for a body that is probably 128 bytes to 16 KiB long (an RW1 series with its labels spelled
   * out): two length bytes are reserved, so join() moves the body only when it is shorter or longer.
   */
  forkWide(): void {
    this.ensure(2);
    // Marked negative: join() reads the reserved width from the sign.
    this.forks.push(-this.pos - 1);
    this.pos += 2;
  }

  /** Ends the body begun by the matching fork() or forkWide() and writes its length prefix. */
  join(): void {
    const mark = this.forks.pop() as number;
    const reserved = mark < 0 ? 2 : 1;
    const start = mark < 0 ? -mark - 1 : mark;
    const bodyStart = start + reserved;
    const length = this.pos - bodyStart;
    if (length < 0x80 && reserved === 1) {
      this.buf[start] = length;
      return;
    }
    const prefix = varint32Size(length);
    if (prefix !== reserved) {
      this.ensure(prefix - reserved);
      this.buf.copyWithin(start + prefix, bodyStart, this.pos);
      this.pos += prefix - reserved;
    }
    let pos = start;
    let value = length;
    while (value > 0x7f) {
      this.buf[pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[pos] = value;
  }
}

/**
 * A negative number as 64-bit two's complement halves [low, high]: the complement of its magnitude's
 * halves (each truncated to 32 bits) plus one. Fractions are truncated toward zero.
 */
export function negativeInt64Halves(value: number): [number, number] {
  const magnitude = -value;
  let low = ~(magnitude >>> 0) >>> 0;
  let high = ~(Math.floor(magnitude / 4294967296) >>> 0) >>> 0;
  low = (low + 1) >>> 0;
  if (low === 0) high = (high + 1) >>> 0;
  return [low, high];
}

export function varint32Size(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}
