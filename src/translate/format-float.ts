/**
 * Go's strconv.FormatFloat(x, 'f', -1, 64), which Prometheus uses for `le` and `quantile` values: the
 * shortest digits that round-trip, always in plain positional notation (1e-7 -> "0.0000001",
 * 1e21 -> "1000000000000000000000"), "+Inf", "-Inf", "NaN", and "-0" for negative zero.
 */
export function formatFloatPositional(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  // JS switched to exponent form (below 1e-6 or from 1e21): move the point by hand.
  const negative = text.startsWith('-');
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const integerDigits = (point < 0 ? mantissa.length : point) + exponent;
  let result: string;
  if (integerDigits <= 0) result = `0.${'0'.repeat(-integerDigits)}${digits}`;
  else if (integerDigits >= digits.length) result = digits + '0'.repeat(integerDigits - digits.length);
  else result = `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return negative ? `-${result}` : result;
}
