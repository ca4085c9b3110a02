/** A copy of `array` with room for at least `required` elements (doubling: amortised O(1) appends). */
export function grown<T extends Uint8Array | Uint32Array>(array: T, required: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(required, array.length * 2));
  next.set(array);
  return next;
}
