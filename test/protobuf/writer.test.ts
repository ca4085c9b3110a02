// ProtoWriter's length-delimited nesting: fork() reserves one length byte and forkWide() two, and
// join() must leave the canonical (shortest) varint length whatever the body turned out to be, moving
// the body when the reserve was too short or too long. Checked against a plain recursive encoding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireType } from '../../src/protobuf/reader.js';
import { ProtoWriter } from '../../src/protobuf/writer.js';
import { varintBytes as varint } from '../support/proto.js';

interface Message {
  wide: boolean;
  /** Raw bytes written before the children, then after. */
  head: number;
  children: Message[];
  tail: number;
}

// Lengths around the 1-, 2- and 3-byte varint boundaries (127/128, 16383/16384).
const head = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 3 }) },
  { weight: 6, arbitrary: fc.integer({ min: 120, max: 135 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16_370, max: 16_400 }) },
);

/** Messages nested up to `depth` levels below this one. */
function messageOf(depth: number): fc.Arbitrary<Message> {
  return fc.record({
    wide: fc.boolean(),
    head,
    children: depth === 0 ? fc.constant([]) : fc.array(messageOf(depth - 1), { maxLength: 3 }),
    tail: fc.integer({ min: 0, max: 130 }),
  });
}
const message = messageOf(3);

function bytesOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Field 1 holding `m`, encoded without ProtoWriter. */
function reference(m: Message): Buffer {
  const body = Buffer.concat([bytesOf(m.head, 1), ...m.children.map(reference), bytesOf(m.tail, 2)]);
  return Buffer.concat([Uint8Array.from([(1 << 3) | WireType.LEN, ...varint(body.length)]), body]);
}

function write(writer: ProtoWriter, m: Message): void {
  writer.tag(1, WireType.LEN);
  if (m.wide) writer.forkWide();
  else writer.fork();
  writer.raw(bytesOf(m.head, 1));
  for (const child of m.children) write(writer, child);
  writer.raw(bytesOf(m.tail, 2));
  writer.join();
}

describe('ProtoWriter fork / forkWide / join', () => {
  it('writes the canonical length prefix for any nesting and body length (property)', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 64 }), (m, capacity) => {
        // A small first capacity makes ensure() grow the buffer in the middle of joins too.
        const writer = new ProtoWriter(capacity);
        write(writer, m);
        expect(Buffer.from(writer.finish()).equals(reference(m))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('forkWide keeps a 128..16383-byte body in place and moves shorter and longer ones', () => {
    for (const length of [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]) {
      const m: Message = { wide: true, head: length, children: [], tail: 0 };
      const writer = new ProtoWriter();
      write(writer, m);
      expect(Buffer.from(writer.finish()).equals(reference(m))).toBe(true);
    }
  });
});
