import { Otlp2PrwError } from '../errors.js';
import { type TranslationStrategy, addsSuffixes, allowsUtf8 } from './options.js';
import { BoundedMemo } from './bounded-memo.js';
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

/**
 * A metric or label name that cannot be made valid (Prometheus >= 3.7: a translation error). Messages
 * are Prometheus's (otlptranslator v1.0.0), so logs read the same.
 */
export class InvalidNameError extends Otlp2PrwError {
  override name = 'InvalidNameError';
  constructor(kind: 'metric' | 'label' | 'utf8label', raw: string, result: string) {
    let message: string;
    if (kind === 'metric') {
      message =
        result === ''
          ? `normalization for metric ${JSON.stringify(raw)} resulted in empty name`
          : `normalization for metric ${JSON.stringify(raw)} resulted in invalid name ${JSON.stringify(result)}`;
    } else if (raw === '') message = 'label name is empty';
    else if (kind === 'utf8label') message = `label name ${JSON.stringify(raw)} contains only underscores`;
    else message = `normalization for label name ${JSON.stringify(raw)} resulted in invalid name ${JSON.stringify(result)}`;
    super(kind === 'metric' ? 'invalid_metric_name' : 'invalid_label_name', message);
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
  const withSuffixes = addsSuffixes(strategy);
  const result = allowsUtf8(strategy)
    ? buildUtf8Name(name, unit, type, namespace, withSuffixes)
    : withSuffixes
      ? normalizeName(name, unit, type, namespace)
      : escapeWithoutSuffixes(name, namespace);
  // Under UTF-8 strategies Prometheus would store a series without __name__; RW2 requires one.
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
  // A trailing `_` on the main unit (from a unit like `blocks.`) is dropped only before a per unit.
  if (perSuffix !== '' && mainSuffix.endsWith('_')) mainSuffix = mainSuffix.slice(0, -1);
  const result = [...tokens];
  if (mainSuffix !== '') result.push(mainSuffix);
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

/**
 * NoUTF8EscapingWithSuffixes (R15): the name kept as is. Existing `ratio`, `total` and per-unit suffixes
 * are trimmed first, the main unit is added unless the name already ends with it, then the per unit,
 * `_total` and `_ratio` are appended in that order. Units are not escaped here.
 */
function buildUtf8Name(name: string, unit: string, type: NamingType, namespace: string, withSuffixes: boolean): string {
  let result = namespace !== '' ? `${namespace}_${name}` : name;
  if (!withSuffixes) return result;
  const isRatio = unit === '1' && type === 'gauge';
  const isCounter = type === 'monotonicCounter';
  if (isRatio) result = trimSuffixAndDelimiter(result, 'ratio');
  if (isCounter) result = trimSuffixAndDelimiter(result, 'total');
  const words = unitWords(unit);
  if (words.per !== '') result = trimSuffixAndDelimiter(result, words.per);
  if (words.main !== '' && !result.endsWith(words.main)) result = `${result}_${words.main}`;
  if (words.per !== '') result = `${result}_${words.per}`;
  if (isCounter) result = `${result}_total`;
  if (isRatio) result = `${result}_ratio`;
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

/**
 * The unit as metadata and `__unit__` carry it (UnitNamer.Build, R49): both parts escaped under every
 * strategy, joined as `main_per`, one leading and one trailing `_` removed. `s` -> `seconds`,
 * `By/s` -> `bytes_per_second`, `1` -> "", `{request}` -> "".
 */
export function translateUnit(unit: string): string {
  let translated = translatedUnits.get(unit);
  if (translated === undefined) {
    translated = translateUnitOnce(unit);
    translatedUnits.set(unit, translated);
  }
  return translated;
}

/** translateUnit's answers: a metric's unit is translated once per metric, and exporters use a few units. */
const translatedUnits = new BoundedMemo<string, string>(1024);

function translateUnitOnce(unit: string): string {
  const words = unitWords(unit);
  const main = cleanUnit(words.main);
  const per = cleanUnit(words.per);
  let result = main !== '' && per !== '' ? `${main}_${per}` : main !== '' ? main : per;
  if (result.startsWith('_')) result = result.slice(1);
  if (result.endsWith('_')) result = result.slice(0, -1);
  return result;
}
