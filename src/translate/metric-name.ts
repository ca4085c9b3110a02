import { Otlp2PrwError } from '../errors.js';
import { type TranslationStrategy, addsSuffixes, allowsUtf8 } from './options.js';
import { unitWords } from './units.js';

/** The OTLP shape a name is built for (otlptranslator's MetricType). */
export type NamingType =
  | 'gauge'
  | 'monotonicCounter'
  | 'nonMonotonicCounter'
  | 'histogram'
  | 'exponentialHistogram'
  | 'summary'
  | 'unknown';

/** A metric or label name that cannot be made valid (Prometheus >= 3.7: a translation error). */
export class InvalidNameError extends Otlp2PrwError {
  constructor(kind: 'metric' | 'label', raw: string, result: string) {
    super(
      kind === 'metric' ? 'invalid_metric_name' : 'invalid_label_name',
      result === ''
        ? `normalization of ${kind} name ${JSON.stringify(raw)} resulted in an empty name`
        : `normalization of ${kind} name ${JSON.stringify(raw)} resulted in the invalid name ${JSON.stringify(result)}`,
    );
  }
}

/** Runs of characters outside [a-zA-Z0-9:] (one code point or many) separate name tokens. */
const NON_NAME_CHARS = /[^a-zA-Z0-9:]+/u;
const NON_NAME_CHARS_KEEP_UNDERSCORE = /[^a-zA-Z0-9:_]+/u;
const INVALID_UNIT_CHAR = /[^a-zA-Z0-9:_]/gu;

/**
 * The Prometheus metric name for an OTLP metric (otlptranslator v1.0.0 MetricNamer.Build).
 * Throws InvalidNameError when the result would be empty or only underscores.
 */
export function buildMetricName(name: string, unit: string, type: NamingType, strategy: TranslationStrategy, namespace: string): string {
  if (strategy === 'NoTranslation') return namespace ? `${namespace}_${name}` : name;
  const withSuffixes = addsSuffixes(strategy);
  const result = allowsUtf8(strategy)
    ? buildUtf8Name(name, unit, type, namespace, withSuffixes)
    : withSuffixes
      ? normalizeName(name, unit, type, namespace)
      : escapeWithoutSuffixes(name, namespace);
  if (result === '') throw new InvalidNameError('metric', name, result);
  if (result !== name && !allowsUtf8(strategy) && /^_+$/.test(result)) throw new InvalidNameError('metric', name, result);
  return result;
}

/** Escaping strategies with suffixes: tokens of [a-zA-Z0-9:] joined by `_`, plus unit/type words. */
function normalizeName(name: string, unit: string, type: NamingType, namespace: string): string {
  let tokens = name.split(NON_NAME_CHARS).filter((token) => token !== '');
  const words = unitWords(unit);
  tokens = addUnitTokens(tokens, cleanUnit(words.main), cleanUnit(words.per));
  if (type === 'monotonicCounter') tokens = [...tokens.filter((token) => token !== 'total'), 'total'];
  // Prometheus appends `ratio` for unit "1" on gauges only: counters in "1" are usually counts.
  if (unit === '1' && type === 'gauge') tokens = [...tokens.filter((token) => token !== 'ratio'), 'ratio'];
  if (namespace !== '') tokens = [namespace, ...tokens];
  const joined = tokens.join('_');
  return startsWithDigit(joined) ? `_${joined}` : joined;
}

function addUnitTokens(tokens: string[], main: string, per: string): string[] {
  let mainSuffix = tokens.includes(main) ? '' : main;
  let perSuffix: string;
  if (per === 'per_') perSuffix = '';
  else {
    perSuffix = per.endsWith('_') ? per.slice(0, -1) : per;
    if (tokens.includes(perSuffix)) perSuffix = '';
  }
  const result = [...tokens];
  if (mainSuffix !== '') {
    mainSuffix = mainSuffix.endsWith('_') ? mainSuffix.slice(0, -1) : mainSuffix;
    result.push(mainSuffix);
  }
  if (perSuffix !== '') result.push(perSuffix);
  return result;
}

/** A unit word made name-safe: invalid characters to `_`, runs collapsed, one leading `_` dropped. */
function cleanUnit(unit: string): string {
  const escaped = unit.replace(INVALID_UNIT_CHAR, '_').replace(/__+/g, '_');
  return escaped.startsWith('_') ? escaped.slice(1) : escaped;
}

/** UnderscoreEscapingWithoutSuffixes: invalid runs become `_`, existing underscores stay. */
function escapeWithoutSuffixes(name: string, namespace: string): string {
  const escape = (value: string) =>
    value
      .split(NON_NAME_CHARS_KEEP_UNDERSCORE)
      .filter((token) => token !== '')
      .join('_');
  const metricName = escape(name);
  if (namespace !== '') return `${escape(namespace)}_${metricName}`;
  return startsWithDigit(metricName) ? `_${metricName}` : metricName;
}

/** NoUTF8EscapingWithSuffixes: the name kept as is, suffixes appended once. */
function buildUtf8Name(name: string, unit: string, type: NamingType, namespace: string, withSuffixes: boolean): string {
  let result = namespace !== '' ? `${namespace}_${name}` : name;
  if (!withSuffixes) return result;
  const words = unitWords(unit);
  if (words.main !== '') result = `${trimSuffixAndDelimiter(result, words.main)}_${words.main}`;
  if (words.per !== '') result = `${trimSuffixAndDelimiter(result, words.per)}_${words.per}`;
  if (type === 'monotonicCounter') result = `${trimSuffixAndDelimiter(result, 'total')}_total`;
  if (unit === '1' && type === 'gauge') result = `${trimSuffixAndDelimiter(result, 'ratio')}_ratio`;
  return result;
}

/**
 * Drops `suffix` and the one character before it when the name ends with it. otlptranslator v1.0.0
 * does not check that the dropped character is a delimiter, so `subtotal` loses `btotal`'s `b`... and
 * becomes `su` + `_total`; we keep that quirk to produce the same names.
 */
function trimSuffixAndDelimiter(name: string, suffix: string): string {
  if (name.endsWith(suffix) && name.length > suffix.length + 1) return name.slice(0, -(suffix.length + 1));
  return name;
}

function startsWithDigit(value: string): boolean {
  const c = value.charCodeAt(0);
  return c >= 0x30 && c <= 0x39;
}

/** The unit as metadata and `__unit__` carry it (UnitNamer.Build): `s` -> `seconds`, `By/s` -> `bytes_per_second`. */
export function translateUnit(unit: string, utf8Allowed: boolean): string {
  const words = unitWords(unit);
  const main = utf8Allowed ? words.main : cleanUnit(words.main);
  const per = utf8Allowed ? words.per : cleanUnit(words.per);
  if (main !== '' && per !== '') return `${main}_${per}`;
  return main !== '' ? main : per;
}
