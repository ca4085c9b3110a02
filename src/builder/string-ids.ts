/**
 * Small integer ids for the strings of one request's series. Label strings repeat on almost every
 * series (job, instance, route, `le`...), so keying series by ids is cheaper than by joined label text
 * (a 20-label set is ~20 key characters instead of ~300), and assembly hands each distinct string to the
 * engine once instead of once per use. Measured on the 10k-point bench workload.
 */
export class StringIds {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  /** The most UTF-16 code units of a string here: none is over 3x as many UTF-8 bytes. */
  longest = 0;

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(value, id);
      this.strings.push(value);
      if (value.length > this.longest) this.longest = value.length;
    }
    return id;
  }

  clear(): void {
    this.ids.clear();
    this.strings.length = 0;
    this.longest = 0;
  }
}
