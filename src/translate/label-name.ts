import { InvalidNameError } from './metric-name.js';

export interface LabelNameRules {
  utf8Allowed: boolean;
  /** Prefix a single leading `_` with `key` (label_name_underscore_sanitization). */
  underscoreSanitization: boolean;
  /** Keep runs of `_` (label_name_preserve_multiple_underscores). */
  preserveMultipleUnderscores: boolean;
}

const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{Nd}]/gu;
const NOT_LETTER_OR_DIGIT_RUNS = /[^\p{L}\p{Nd}]+/gu;

/**
 * A label name from an attribute key (otlptranslator v1.0.0 LabelNamer.Build): every character that is
 * not a letter or digit becomes `_`; a leading digit gets `key_`; a single leading `_` gets `key`.
 * Throws InvalidNameError for names that end up empty or all underscores.
 */
export function buildLabelName(key: string, rules: LabelNameRules): string {
  if (key === '') throw new InvalidNameError('label', key, '');
  if (rules.utf8Allowed) return key;
  let name = rules.preserveMultipleUnderscores
    ? key.replace(NOT_LETTER_OR_DIGIT, '_')
    : key.replace(NOT_LETTER_OR_DIGIT_RUNS, '_');
  const first = name.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) name = `key_${name}`;
  else if (rules.underscoreSanitization && name.startsWith('_') && !name.startsWith('__')) name = `key${name}`;
  if (name !== key && /^_+$/.test(name)) throw new InvalidNameError('label', key, name);
  return name;
}

/** Memoizes buildLabelName per rule set: attribute keys repeat on every data point. */
export class LabelNameCache {
  private readonly names = new Map<string, string>();

  constructor(private readonly rules: LabelNameRules) {}

  get(key: string): string {
    let name = this.names.get(key);
    if (name === undefined) {
      name = buildLabelName(key, this.rules);
      this.names.set(key, name);
    }
    return name;
  }
}
