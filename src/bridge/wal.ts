// A write-ahead log of accepted OTLP export requests, one file per request: written to `<seq>.<ext>.tmp`,
// fsynced, renamed into place and the directory fsynced before the client gets its 200, so an
// acknowledged request survives a crash; deleted once the receiver took it (or refused it for good).
// On start the files left over are replayed in sequence order. Simple beats fast here: requests are
// few and large (an SDK exports every 10-60 s), so a file and two fsyncs per request is cheap.
import { mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { OtlpEncoding } from './otlp-response.js';

const EXTENSIONS: Record<OtlpEncoding, string> = { protobuf: 'pb', json: 'json' };
const ENTRY_NAME = /^(\d{16})\.(pb|json)$/;

export interface WalEntry {
  readonly sequence: number;
  readonly file: string;
  readonly format: OtlpEncoding;
  readonly size: number;
  /** Handed to the forwarder and not settled yet. */
  inFlight: boolean;
}

export class WriteAheadLog {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly entries = new Map<number, WalEntry>();
  private nextSequence: number;
  /** Bytes of entries plus appends in progress (reserved before writing, so concurrent appends cannot overshoot). */
  private reservedBytes = 0;

  private constructor(dir: string, maxBytes: number, entries: WalEntry[]) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    let last = 0;
    for (const entry of entries) {
      this.entries.set(entry.sequence, entry);
      this.reservedBytes += entry.size;
      last = Math.max(last, entry.sequence);
    }
    this.nextSequence = last + 1;
  }

  /** Opens (creating) the directory, removes half-written files and lists the entries to replay. */
  static async open(dir: string, maxBytes: number): Promise<WriteAheadLog> {
    await mkdir(dir, { recursive: true });
    const entries: WalEntry[] = [];
    for (const name of await readdir(dir)) {
      const file = path.join(dir, name);
      // A .tmp file never got its 200: the client retries it.
      if (name.endsWith('.tmp')) {
        await unlink(file);
        continue;
      }
      const match = ENTRY_NAME.exec(name);
      if (match === null) continue;
      const { size } = await stat(file);
      entries.push({ sequence: Number(match[1]), file, format: match[2] === 'pb' ? 'protobuf' : 'json', size, inFlight: false });
    }
    entries.sort((a, b) => a.sequence - b.sequence);
    return new WriteAheadLog(dir, maxBytes, entries);
  }

  get bytes(): number {
    return this.reservedBytes;
  }

  get count(): number {
    return this.entries.size;
  }

  hasRoom(size: number): boolean {
    return this.reservedBytes + size <= this.maxBytes;
  }

  /** Entries not handed to the forwarder, oldest first. */
  waiting(): WalEntry[] {
    return [...this.entries.values()].filter((entry) => !entry.inFlight).sort((a, b) => a.sequence - b.sequence);
  }

  /** Durably stores one request; resolves only after the file and its directory entry are on disk. */
  async append(body: Uint8Array, format: OtlpEncoding): Promise<WalEntry> {
    const sequence = this.nextSequence++;
    const file = path.join(this.dir, `${String(sequence).padStart(16, '0')}.${EXTENSIONS[format]}`);
    const temporary = `${file}.tmp`;
    this.reservedBytes += body.length;
    try {
      const handle = await open(temporary, 'w');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, file);
      await this.syncDirectory();
    } catch (error) {
      this.reservedBytes -= body.length;
      await unlink(temporary).catch(() => {});
      throw error;
    }
    const entry: WalEntry = { sequence, file, format, size: body.length, inFlight: true };
    this.entries.set(sequence, entry);
    return entry;
  }

  read(entry: WalEntry): Promise<Uint8Array> {
    return readFile(entry.file).then((buffer) => new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }

  /** Forgets a delivered (or permanently refused) entry. */
  async remove(entry: WalEntry): Promise<void> {
    if (!this.entries.delete(entry.sequence)) return;
    this.reservedBytes -= entry.size;
    await unlink(entry.file).catch(() => {});
  }

  /** Moves an entry that cannot be decoded any more aside (`.corrupt`) so it is kept for a human, not replayed. */
  async quarantine(entry: WalEntry): Promise<string> {
    if (!this.entries.delete(entry.sequence)) return entry.file;
    this.reservedBytes -= entry.size;
    const target = `${entry.file}.corrupt`;
    await rename(entry.file, target).catch(() => {});
    return target;
  }

  // POSIX: a rename is durable only once the directory itself is fsynced.
  private async syncDirectory(): Promise<void> {
    const handle = await open(this.dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
