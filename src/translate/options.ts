import { Otlp2PrwError } from '../errors.js';

/**
 * Translation options. Names mirror the `otlp:` block of Prometheus's configuration (camelCased), so a
 * Prometheus user finds the same knobs; defaults are Prometheus 3.14.0's.
 */
export type TranslationStrategy =
  /** Escape names to [a-zA-Z0-9_:], add unit and `_total` suffixes (Prometheus's default). */
  | 'UnderscoreEscapingWithSuffixes'
  /** Escape names, no suffixes. */
  | 'UnderscoreEscapingWithoutSuffixes'
  /** Keep UTF-8 names, add suffixes. */
  | 'NoUTF8EscapingWithSuffixes'
  /** Keep names exactly as sent. */
  | 'NoTranslation';

export interface TranslationOptions {
  translationStrategy?: TranslationStrategy;
  /** Prefix for every metric name (`namespace_`). */
  namespace?: string;
  /** Resource attributes to add as labels on every series of the resource. */
  promoteResourceAttributes?: string[];
  /** Promote all resource attributes except `ignoreResourceAttributes`. */
  promoteAllResourceAttributes?: boolean;
  ignoreResourceAttributes?: string[];
  /** Keep service.name/service.namespace/service.instance.id on target_info as well as job/instance. */
  keepIdentifyingResourceAttributes?: boolean;
  /** Explicit-bucket histograms become native histograms with custom buckets (schema -53). */
  convertHistogramsToNHCB?: boolean;
  /** Add otel_scope_name/version/schema_url and otel_scope_<attribute> labels. */
  promoteScopeMetadata?: boolean;
  /** Prefix a single leading `_` in a label name with `key`. Default true. */
  labelNameUnderscoreSanitization?: boolean;
  /** Keep runs of `_` in label names. Default true. */
  labelNamePreserveMultipleUnderscores?: boolean;
  /** Prometheus feature `type-and-unit-labels`: add `__type__` and `__unit__`. */
  typeAndUnitLabels?: boolean;
  /** Spacing of target_info samples is half of this. Default 5m, as Prometheus's lookback delta. */
  lookbackDeltaMs?: number;
  /**
   * At most this many target_info samples per resource and request (the latest ones). Prometheus has no
   * limit: points spanning years would give millions of samples. Default 1000 (41 hours at 2m30s).
   */
  maxTargetInfoSamples?: number;
  /** Labels added to every series unless the series already has the label. */
  externalLabels?: Record<string, string>;
  /**
   * What to do with a metric Prometheus cannot translate (invalid temporality, no data points, bad
   * scale, a name that sanitizes to nothing). 'drop' (default) drops it and counts it in stats;
   * 'reject' fails the whole request, as Prometheus >= 3.7 does.
   */
  onInvalidMetric?: 'drop' | 'reject';
}

export type ResolvedTranslationOptions = Required<Omit<TranslationOptions, 'namespace'>> & { namespace: string };

const DEFAULT_LOOKBACK_DELTA_MS = 5 * 60 * 1000;

const STRATEGIES: readonly TranslationStrategy[] = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

/** A translation option that cannot work; messages follow Prometheus's config errors where it has one. */
export class TranslationOptionError extends Otlp2PrwError {
  override name = 'TranslationOptionError';
  constructor(message: string) {
    super('invalid_option', message);
  }
}

export function resolveTranslationOptions(options: TranslationOptions = {}): ResolvedTranslationOptions {
  if (options.lookbackDeltaMs !== undefined && !(options.lookbackDeltaMs >= 0 && Number.isFinite(options.lookbackDeltaMs))) {
    throw new TranslationOptionError(`lookbackDeltaMs must be a non-negative number of milliseconds, not ${options.lookbackDeltaMs}`);
  }
  if (options.translationStrategy !== undefined && !STRATEGIES.includes(options.translationStrategy)) {
    throw new TranslationOptionError(`unsupported OTLP translation strategy ${JSON.stringify(options.translationStrategy)}`);
  }
  // Prometheus config/config.go OTLPConfig.UnmarshalYAML rules.
  if (options.promoteAllResourceAttributes && (options.promoteResourceAttributes?.length ?? 0) > 0) {
    throw new TranslationOptionError("'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
  }
  if (!options.promoteAllResourceAttributes && (options.ignoreResourceAttributes?.length ?? 0) > 0) {
    throw new TranslationOptionError("'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
  }
  for (const [name, list] of [
    ['promote_resource_attributes', options.promoteResourceAttributes],
    ['ignore_resource_attributes', options.ignoreResourceAttributes],
  ] as const) {
    for (const entry of list ?? []) {
      if (entry.trim() === '') throw new TranslationOptionError(`invalid '${name}': empty OTel resource attribute`);
    }
  }
  return {
    translationStrategy: options.translationStrategy ?? 'UnderscoreEscapingWithSuffixes',
    namespace: options.namespace ?? '',
    promoteResourceAttributes: options.promoteResourceAttributes ?? [],
    promoteAllResourceAttributes: options.promoteAllResourceAttributes ?? false,
    ignoreResourceAttributes: options.ignoreResourceAttributes ?? [],
    keepIdentifyingResourceAttributes: options.keepIdentifyingResourceAttributes ?? false,
    convertHistogramsToNHCB: options.convertHistogramsToNHCB ?? false,
    promoteScopeMetadata: options.promoteScopeMetadata ?? false,
    labelNameUnderscoreSanitization: options.labelNameUnderscoreSanitization ?? true,
    labelNamePreserveMultipleUnderscores: options.labelNamePreserveMultipleUnderscores ?? true,
    typeAndUnitLabels: options.typeAndUnitLabels ?? false,
    // 0 means the default, as in Prometheus.
    lookbackDeltaMs: options.lookbackDeltaMs || DEFAULT_LOOKBACK_DELTA_MS,
    maxTargetInfoSamples: Math.max(1, options.maxTargetInfoSamples ?? 1000),
    externalLabels: options.externalLabels ?? {},
    onInvalidMetric: options.onInvalidMetric ?? 'drop',
  };
}

/** Whether the strategy keeps UTF-8 names (no escaping). */
export function allowsUtf8(strategy: TranslationStrategy): boolean {
  return strategy === 'NoUTF8EscapingWithSuffixes' || strategy === 'NoTranslation';
}

/** Whether the strategy appends unit and type suffixes. */
export function addsSuffixes(strategy: TranslationStrategy): boolean {
  return strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'NoUTF8EscapingWithSuffixes';
}
