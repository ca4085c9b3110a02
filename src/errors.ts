/**
 * Every error this library throws on bad input is an `Otlp2PrwError` with a stable `code`, so callers
 * can branch on the code and the message can stay human.
 */
export class Otlp2PrwError extends Error {
  // Spelled out in every subclass too, not taken from the class: the browser bundle is minified
  // without esbuild's keepNames (it wrapped every function in a naming call, ~1.8 kB gzipped).
  override name = 'Otlp2PrwError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}
