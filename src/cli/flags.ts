import type { TranslationOptions, TranslationStrategy } from '../translate/options.js';

/** A bad command line (flag value, missing flag): printed as one line with exit code 2. */
export class UsageError extends Error {}

/** Translation options as flags; names are Prometheus's `otlp:` config keys in kebab case. */
export const translationFlags = {
  'translation-strategy': { type: 'string' },
  namespace: { type: 'string' },
  'promote-resource-attributes': { type: 'string', multiple: true },
  'promote-all-resource-attributes': { type: 'boolean' },
  'ignore-resource-attributes': { type: 'string', multiple: true },
  'keep-identifying-resource-attributes': { type: 'boolean' },
  'convert-histograms-to-nhcb': { type: 'boolean' },
  'promote-scope-metadata': { type: 'boolean' },
  'no-label-name-underscore-sanitization': { type: 'boolean' },
  'no-label-name-preserve-multiple-underscores': { type: 'boolean' },
  'type-and-unit-labels': { type: 'boolean' },
  'lookback-delta-ms': { type: 'string' },
  'external-label': { type: 'string', multiple: true },
  'on-invalid-metric': { type: 'string' },
} as const;

const STRATEGIES: TranslationStrategy[] = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Comma-separated and repeated flags both work: --promote-resource-attributes a,b --promote-resource-attributes c. */
function list(value: string | boolean | string[] | undefined): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((item) => item.split(',')).filter((item) => item !== '');
}

export function translationOptionsFrom(values: FlagValues): TranslationOptions {
  const options: TranslationOptions = {};
  const strategy = values['translation-strategy'];
  if (typeof strategy === 'string') {
    if (!STRATEGIES.includes(strategy as TranslationStrategy)) {
      throw new UsageError(`--translation-strategy must be one of ${STRATEGIES.join(', ')}, not ${strategy}`);
    }
    options.translationStrategy = strategy as TranslationStrategy;
  }
  if (typeof values.namespace === 'string') options.namespace = values.namespace;
  options.promoteResourceAttributes = list(values['promote-resource-attributes']);
  options.ignoreResourceAttributes = list(values['ignore-resource-attributes']);
  if (values['promote-all-resource-attributes']) options.promoteAllResourceAttributes = true;
  if (values['keep-identifying-resource-attributes']) options.keepIdentifyingResourceAttributes = true;
  if (values['convert-histograms-to-nhcb']) options.convertHistogramsToNHCB = true;
  if (values['promote-scope-metadata']) options.promoteScopeMetadata = true;
  if (values['no-label-name-underscore-sanitization']) options.labelNameUnderscoreSanitization = false;
  if (values['no-label-name-preserve-multiple-underscores']) options.labelNamePreserveMultipleUnderscores = false;
  if (values['type-and-unit-labels']) options.typeAndUnitLabels = true;
  const lookback = values['lookback-delta-ms'];
  if (typeof lookback === 'string') {
    const ms = Number(lookback);
    if (!Number.isInteger(ms) || ms <= 0) throw new UsageError(`--lookback-delta-ms must be a positive integer, not ${lookback}`);
    options.lookbackDeltaMs = ms;
  }
  const external = list(values['external-label']);
  if (external !== undefined) {
    options.externalLabels = Object.create(null) as Record<string, string>;
    for (const pair of external) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`--external-label must be name=value, not ${pair}`);
      options.externalLabels[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const onInvalid = values['on-invalid-metric'];
  if (typeof onInvalid === 'string') {
    if (onInvalid !== 'drop' && onInvalid !== 'reject') throw new UsageError(`--on-invalid-metric must be drop or reject, not ${onInvalid}`);
    options.onInvalidMetric = onInvalid;
  }
  return options;
}

export const HELP = `otlp2prw - OpenTelemetry (OTLP) metrics to Prometheus Remote-Write 2.0

Usage:
  otlp2prw convert --in FILE|- --out FILE|- [options]
      Reads one OTLP ExportMetricsServiceRequest and writes the Remote-Write body.
        --input proto|json            input encoding (default: json for *.json, else proto)
        --engine wasm|js              hot-path engine (default wasm; output is identical)
        --protobuf-message v2|v1      io.prometheus.write.v2.Request (default) or prometheus.WriteRequest
        --no-compress                 write plain protobuf instead of snappy
      Translation (names follow Prometheus's otlp: config block):
        --translation-strategy S      UnderscoreEscapingWithSuffixes (default), UnderscoreEscapingWithoutSuffixes,
                                      NoUTF8EscapingWithSuffixes, NoTranslation
        --namespace NS                prefix metric names with NS_
        --promote-resource-attributes a,b   resource attributes to copy onto every series
        --promote-all-resource-attributes   ... all of them, except --ignore-resource-attributes a,b
        --keep-identifying-resource-attributes   keep service.* on target_info
        --promote-scope-metadata      add otel_scope_* labels
        --convert-histograms-to-nhcb  explicit histograms as native histograms with custom buckets
        --type-and-unit-labels        add __type__ and __unit__
        --no-label-name-underscore-sanitization, --no-label-name-preserve-multiple-underscores
        --lookback-delta-ms MS        target_info sample spacing is half of this (default 300000)
        --external-label name=value   repeatable
        --on-invalid-metric drop|reject   drop untranslatable metrics (default) or fail the request

  otlp2prw decode --in FILE|- [--no-compress] [--protobuf-message v2|v1]
      Prints a Remote-Write body as JSON with labels resolved; checks the spec's rules.

  otlp2prw demo
      Converts a built-in OTLP request and prints the series.

  otlp2prw serve [options]
      OTLP/HTTP (POST /v1/metrics, protobuf or JSON, gzip) and OTLP/gRPC receiver forwarding to
      Remote-Write (what npm start runs). Without --remote-write-url it sends to an embedded receiver
      that logs what arrives.
        --listen HOST:PORT            OTLP/HTTP (default 127.0.0.1:4318)
        --grpc-listen HOST:PORT       OTLP/gRPC (default 127.0.0.1:4317); --no-grpc turns it off
        --listen-tls-cert-file F, --listen-tls-key-file F   serve HTTPS and gRPC over TLS;
        --listen-tls-client-ca-file F also require client certificates from this CA (mutual TLS)
        --remote-write-url URL        e.g. http://localhost:9090/api/v1/write
        --protobuf-message v2|v1      force a message (default: v2, falling back to v1 on 415)
        --shards N                    parallel queues (default 4)
        --max-series-per-request N, --max-batch-bytes N, --max-queued-requests N (default 1000)
        --remote-timeout-ms MS        per HTTP attempt (default 30000)
        --tenant ID                   X-Scope-OrgID
        --bearer-token T | --bearer-token-file F
        --header name=value           repeatable
        --tls-ca-file F, --tls-cert-file F, --tls-key-file F (mutual TLS), --tls-server-name N,
        --tls-insecure-skip-verify    TLS to the Remote-Write endpoint (Prometheus's tls_config)
        --proxy-url URL               HTTP proxy (CONNECT) to the Remote-Write endpoint
        --max-body-bytes N            413 above this, on the wire or inflated (default 16 MiB)
        --read-timeout-ms MS          408 when the body is slower (default 30000)
        --cors-allowed-origins a,b    browser origins allowed to export (or *)
        --wal-dir DIR                 make accepted requests durable before the 200; replayed on start
        --wal-max-bytes N             503 + Retry-After when the WAL is full (default 1 GiB)
        --drain-timeout-ms MS         on SIGTERM/SIGINT (default 30000)
        --retry-after-seconds N       sent with 429/503 (default 5)
        --batch-max-delay-ms MS       batch exports arriving within MS into one write, answered once
                                      it is queued (default 0: each export is its own write)
        --batch-max-data-points N     a batch goes once it holds N data points (default 20000)
        --log-level debug|info|warn|error, --log-format logfmt|json
        --demo [--demo-interval-ms MS]   also post sample metrics to itself
        --engine wasm|js, and the translation flags above
        --config FILE.json            the same keys as the flags; environment: OTLP2PRW_<FLAG>, e.g.
                                      OTLP2PRW_REMOTE_WRITE_URL, OTLP2PRW_BEARER_TOKEN
      Endpoints: POST /v1/metrics, GET /-/healthy, /-/ready, /metrics.

Exit codes: 0 success, 1 bad input (one line on stderr), 2 bad command line.
`;
