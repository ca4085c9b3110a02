/**
 * Every error this library throws on bad input is an `Otlp2PrwError` with a stable `code`, so callers
 * can branch on the code and the message can stay human.
 */
export class Otlp2PrwError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
