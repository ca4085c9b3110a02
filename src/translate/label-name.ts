import { BoundedMemo } from './bounded-memo.js';
import { InvalidNameError } from './metric-name.js';

/** Label names a cache keeps at most: attribute keys are few, unless a client sends ever-new ones. */
const LABEL_NAMES = 4096;

export interface LabelNameRules {
  utf8Allowed: boolean;
  /** Prefix a single leading `_` with `key` (label_name_underscore_sanitization). */
  underscoreSanitization: boolean;
  /** Keep runs of `_` (label_name_preserve_multiple_underscores). */
  preserveMultipleUnderscores: boolean;
}

/** Every code point outside [a-zA-Z0-9] (a multi-byte character counts once). */
const NOT_ALPHANUMERIC = /[^a-zA-Z0-9]/gu;
const NOT_ALPHANUMERIC_RUNS = /[^a-zA-Z0-9]+/gu;

/**
 * A label name from an attribute key (otlptranslator v1.0.0 LabelNamer.Build; docs/translation-rules.md
 * R16, R17). Escaping strategies: each character outside [a-zA-Z0-9] becomes `_` (runs collapsed when
 * multiple underscores are not preserved, keeping a reserved `__x__` wrapper); a leading digit gets
 * `key_`; a single leading `_` gets `key`. UTF-8 strategies keep the key. Empty keys and names made only
 * of `_` are errors.
 */
export function buildLabelName(key: string, rules: LabelNameRules): string {
  if (key === '') throw new InvalidNameError('label', key, '');
  if (rules.utf8Allowed) {
    if (/^_+$/.test(key)) throw new InvalidNameError('utf8label', key, key);
    return key;
  }
  let name: string;
  if (rules.preserveMultipleUnderscores) name = key.replace(NOT_ALPHANUMERIC, '_');
  else if (key.length >= 4 && key.startsWith('__') && key.endsWith('__')) {
    name = `__${key.slice(2, -2).replace(NOT_ALPHANUMERIC_RUNS, '_')}__`;
  } else name = key.replace(NOT_ALPHANUMERIC_RUNS, '_');
  const first = name.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) name = `key_${name}`;
  else if (rules.underscoreSanitization && name.startsWith('_') && !name.startsWith('__')) name = `key${name}`;
  if (/^_+$/.test(name)) throw new InvalidNameError('label', key, name);
  return name;
}

/**
 * Memoizes label names per rule set: attribute keys repeat on every data point. `dataPoint` gives the
 * name for data-point and target_info attributes, which Prometheus does not pass through the namer
 * under UTF-8 strategies (R18); `named` is the namer itself (promoted resource and scope attributes).
 */
export class LabelNameCache {
  private readonly names = new BoundedMemo<string, string>(LABEL_NAMES);

  constructor(readonly rules: LabelNameRules) {}

  named(key: string): string {
    let name = this.names.get(key);
    if (name === undefined) {
      name = buildLabelName(key, this.rules);
      this.names.set(key, name);
    }
    return name;
  }

  /**
   * Under UTF-8 strategies the raw key, except that an empty key is an error here too: RW2 forbids
   * empty label names, where Prometheus's TSDB would store one.
   */
  dataPoint(key: string): string {
    if (this.rules.utf8Allowed) {
      if (key === '') throw new InvalidNameError('label', key, '');
      return key;
    }
    return this.named(key);
  }
}
