import { type ResolvedRetryOptions, type RetryOptions, parseRetryAfter, resolveRetryOptions, retryWait } from './backoff.js';
import { RemoteWriteConfigError } from './errors.js';
import { type AuthOptions, messageHeaders, staticHeaders } from './headers.js';
import type { FailedOutcome, ProtobufMessage, RemoteWriteRequest, SendOutcome, WrittenOutcome } from './outcome.js';
import { reencodeAsV1, splitInHalves } from './reencode.js';
import { readBodyPrefix, writtenCounts } from './response.js';
import { type ClientTelemetry, TelemetryRecorder, telemetryToText } from './telemetry.js';
import { type FetchTransport, type TlsOptions, checkTransportOptions, loadNodeTransport } from './transport.js';
import { OTLP2PRW_VERSION } from './version.js';

export interface RemoteWriteLogger {
  warn(message: string): void;
}

export interface RemoteWriteClientOptions extends AuthOptions {
  /** The receiver's write URL, e.g. http://localhost:9090/api/v1/write. */
  url: string | URL;
  /**
   * Force one message. Default: RW2 first, and on 415 (or a 2xx to RW2 without any `*-Written`
   * header) resend as RW1 and keep using RW1 for this client.
   */
  protobufMessage?: ProtobufMessage;
  /** Extra headers. The spec's reserved ones (and Authorization: use the auth options) throw RemoteWriteConfigError. */
  headers?: Record<string, string>;
  /** Per HTTP attempt, response body included. Default 30 000 ms (Prometheus's remote_timeout). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Default `otlp2prw/<version>`. RW2 spec P10: `<name>/<version>`. */
  userAgent?: string;
  /**
   * TLS toward an https: receiver: a private CA, a client certificate (mutual TLS), no verification,
   * another server name. Node only (undici, loaded on first send); in browsers a RemoteWriteConfigError.
   */
  tls?: TlsOptions;
  /**
   * An HTTP proxy, `http://[user:password@]host:port`, tunnelled through with CONNECT for http: and
   * https: receivers alike. Node only (undici, loaded on first send); in browsers a RemoteWriteConfigError.
   */
  proxyUrl?: string;
  /**
   * In browsers, a 2xx answered cross-origin (`response.type === 'cors'`) whose `*-Written` headers are
   * not readable because the receiver does not list them in `Access-Control-Expose-Headers`: true reads
   * it as everything written; false (default) treats it as a 2xx without those headers (RW2 spec R5: a
   * 1.x receiver) and falls back to RW1, which such a receiver accepts too. Either way the client warns
   * once. Has no effect outside browsers, nor when any `*-Written` header is readable.
   */
  assumeWrittenWhenHeadersHidden?: boolean;
  /** Default globalThis.fetch. Not with `tls` or `proxyUrl` (they bring undici's fetch). */
  fetch?: typeof globalThis.fetch;
  /**
   * An undici Dispatcher (Agent, ProxyAgent, connection limits), handed to fetch as is. Node's global
   * fetch accepts only a dispatcher of a compatible undici version: pass undici's `fetch` along with it.
   * Not with `tls` or `proxyUrl`.
   */
  dispatcher?: unknown;
  /** Where partial writes, rejections, failures and the fallback are reported (error bodies as is). Default: silent. */
  logger?: RemoteWriteLogger;
  /** For tests: the jitter source. Default Math.random. */
  random?: () => number;
}

export interface SendOptions {
  /** Aborts waits and the attempt in flight; the outcome is then `failed` with reason 'aborted'. */
  signal?: AbortSignal;
}

/** What one attempt-with-retries ended in, before fallback and splitting are decided. */
type AttemptResult =
  | { type: 'outcome'; outcome: SendOutcome }
  | { type: 'unsupported'; status: number; body: string }
  | { type: 'too-large'; status: number; body: string };

interface SendContext {
  startMs: number;
  attempts: number;
  signal?: AbortSignal;
}

/**
 * Posts Remote-Write requests to one endpoint, following the RW2 spec's response rules:
 *
 *   const client = new RemoteWriteClient({ url: 'http://localhost:9090/api/v1/write' });
 *   for (const request of builder.encodeRequests({ maxSeriesPerRequest: 2000 })) {
 *     const outcome = await client.send(request);   // never throws for HTTP or network trouble
 *     if (outcome.kind !== 'written') console.warn(outcome);
 *   }
 *
 * 2xx: written (the `*-Written` headers tell a partial write, which is reported, not retried).
 * 5xx, 429, network errors and timeouts: retried with exponential backoff and jitter, honouring
 * Retry-After. Other 4xx: rejected, not retried. 413: split in two halves once. 415, or a 2xx to RW2
 * without any `*-Written` header: resent as RW1, and RW1 kept for later sends.
 */
export class RemoteWriteClient {
  readonly url: string;
  private readonly forced: ProtobufMessage | undefined;
  private message: ProtobufMessage;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: ResolvedRetryOptions;
  /** undefined until the Node transport (`tls`, `proxyUrl`) has loaded, at the first send. */
  private fetchImpl: typeof globalThis.fetch | undefined;
  private readonly dispatcher: unknown;
  private transport: Promise<FetchTransport> | undefined;
  private readonly loadTransport: (() => Promise<FetchTransport>) | undefined;
  private readonly assumeWrittenWhenHeadersHidden: boolean;
  private warnedHiddenHeaders = false;
  private readonly logger: RemoteWriteLogger | undefined;
  private readonly random: () => number;
  private readonly recorder = new TelemetryRecorder();

  constructor(options: RemoteWriteClientOptions) {
    let url: URL;
    try {
      url = new URL(String(options.url));
    } catch {
      throw new RemoteWriteConfigError('url', `is not a valid URL: ${String(options.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteWriteConfigError('url', `must be http: or https:, got ${url.protocol}`);
    }
    this.url = url.toString();
    if (options.protobufMessage !== undefined && options.protobufMessage !== 'v2' && options.protobufMessage !== 'v1') {
      throw new RemoteWriteConfigError('protobufMessage', `must be 'v2' or 'v1', got ${String(options.protobufMessage)}`);
    }
    this.forced = options.protobufMessage;
    this.message = options.protobufMessage ?? 'v2';
    this.recorder.setMessage(this.message);
    const userAgent = options.userAgent ?? `otlp2prw/${OTLP2PRW_VERSION}`;
    if (!userAgent.trim()) throw new RemoteWriteConfigError('userAgent', 'must not be empty (RW2 spec: User-Agent is required)');
    this.headers = staticHeaders(options.headers, options, userAgent);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    if (!(this.timeoutMs > 0)) throw new RemoteWriteConfigError('timeoutMs', `must be > 0, got ${String(options.timeoutMs)}`);
    this.retry = resolveRetryOptions(options.retry);
    if (checkTransportOptions(options)) {
      const { tls, proxyUrl } = options;
      this.loadTransport = () => loadNodeTransport(tls, proxyUrl);
    } else {
      const fetchImpl = options.fetch ?? globalThis.fetch;
      if (typeof fetchImpl !== 'function') throw new RemoteWriteConfigError('fetch', 'no fetch implementation (pass one)');
      this.fetchImpl = fetchImpl;
    }
    this.dispatcher = options.dispatcher;
    this.assumeWrittenWhenHeadersHidden = options.assumeWrittenWhenHeadersHidden ?? false;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
  }

  /** The message the next send uses: 'v1' when forced, or after a fallback. */
  get protobufMessage(): ProtobufMessage {
    return this.message;
  }

  /**
   * Sends one request (RW2 bodies are turned into RW1 when the client sends RW1). Resolves with the
   * outcome; rejects only for a programming error (e.g. a body that does not decode when it must be
   * re-encoded; a `tls` certificate that does not load: RemoteWriteConfigError).
   */
  async send(request: RemoteWriteRequest, options: SendOptions = {}): Promise<SendOutcome> {
    if (this.fetchImpl === undefined && this.loadTransport) {
      this.transport ??= this.loadTransport();
      this.fetchImpl = (await this.transport).fetch;
    }
    const context: SendContext = { startMs: Date.now(), attempts: 0, signal: options.signal };
    return this.sendWithSplit(request, context, true);
  }

  /** Closes the connections of the transport the client made for `tls` / `proxyUrl` (nothing else to close). */
  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (!transport) return;
    this.fetchImpl = undefined; // a later send opens a new one
    await (await transport.catch(() => undefined))?.close();
  }

  /** Counters since construction (a copy). */
  telemetry(): ClientTelemetry {
    return this.recorder.snapshot();
  }

  /** telemetry() in the Prometheus text exposition format. */
  telemetryText(): string {
    return telemetryToText(this.telemetry());
  }

  /** @internal The sender counts its dropped requests here, so one object holds all counters. */
  recordDropped(request: RemoteWriteRequest): void {
    this.recorder.dropped(request);
  }

  private async sendWithSplit(request: RemoteWriteRequest, context: SendContext, maySplit: boolean): Promise<SendOutcome> {
    const result = await this.sendWithFallback(request, context);
    if (result.type === 'outcome') return result.outcome;
    const base = { protobufMessage: this.message, attempts: context.attempts, elapsedMs: Date.now() - context.startMs };
    if (result.type === 'unsupported') {
      const outcome: SendOutcome = { kind: 'unsupported', status: result.status, body: result.body, ...base };
      this.finish(request, outcome, `receiver does not accept ${describe(this.message)} (HTTP ${result.status}): ${result.body}`);
      return outcome;
    }
    // 413: split once (RW2 spec leaves 413 to the sender; the checklist: split and resend smaller parts).
    const halves = maySplit ? splitInHalves(this.message === 'v1' ? reencodeAsV1(request) : request) : undefined;
    if (!halves) {
      const outcome: SendOutcome = { kind: 'rejected', status: result.status, body: result.body, ...base };
      this.finish(request, outcome, `request too large (HTTP 413${maySplit ? ', one series' : ' after a split'}): ${result.body}`);
      return outcome;
    }
    this.logger?.warn(`otlp2prw: HTTP 413 for ${request.series ?? '?'} series; resending as two halves (${halves[0].series} + ${halves[1].series} series)`);
    const parts: SendOutcome[] = [];
    for (const half of halves) parts.push(await this.sendWithSplit(half, context, false));
    return combine(parts, this.message, context);
  }

  /** Attempts with retries; on "unsupported" switches to RW1 once (unless forced) and tries again. */
  private async sendWithFallback(request: RemoteWriteRequest, context: SendContext): Promise<AttemptResult> {
    let current = this.message === 'v1' ? reencodeAsV1(request) : request;
    const result = await this.attemptWithRetries(current, context);
    if (result.type !== 'unsupported' || (current.protobufMessage ?? 'v2') === 'v1' || this.forced === 'v2') return result;
    // RW2 spec 1.4: a 2.x sender MAY fall back to 1.x on 415; remembered, so later sends skip the probe.
    if (this.message === 'v2') {
      this.message = 'v1';
      this.recorder.setMessage('v1');
      this.recorder.fallback();
      this.logger?.warn(
        `otlp2prw: ${this.url} does not accept Remote-Write 2.0 (HTTP ${result.status}${result.body ? `: ${result.body}` : ''}); using Remote-Write 1.0 from now on`,
      );
    }
    current = reencodeAsV1(request);
    return this.attemptWithRetries(current, context);
  }

  private async attemptWithRetries(request: RemoteWriteRequest, context: SendContext): Promise<AttemptResult> {
    const message = request.protobufMessage ?? 'v2';
    for (let retry = 0; ; retry++) {
      context.attempts++;
      const attempt = await this.attemptOnce(request, retry, context.signal);
      const base = () => ({ protobufMessage: message, attempts: context.attempts, elapsedMs: Date.now() - context.startMs });
      let failure: Omit<FailedOutcome, 'kind' | 'protobufMessage' | 'attempts' | 'elapsedMs'>;
      let retryAfterMs: number | undefined;
      if (attempt.type === 'response') {
        const { status, body } = attempt;
        if (status >= 200 && status < 300) return this.written(request, attempt.headers, attempt.crossOrigin, status, base());
        if (status === 415) return { type: 'unsupported', status, body };
        if (status === 413) return { type: 'too-large', status, body };
        const retriable = status >= 500 || (status === 429 && this.retry.retryOnRateLimit);
        if (!retriable) {
          // RW2 spec R10: a 4xx other than 429 MUST NOT be retried.
          const outcome: SendOutcome = { kind: 'rejected', status, body, ...base() };
          this.finish(request, outcome, `receiver rejected the request (HTTP ${status}): ${body}`);
          return { type: 'outcome', outcome };
        }
        failure = { reason: 'status', status, body };
        // Prometheus reads Retry-After from 5xx as well as 429.
        retryAfterMs = parseRetryAfter(attempt.headers.get('Retry-After'));
      } else if (attempt.type === 'aborted') {
        const outcome: SendOutcome = { kind: 'failed', reason: 'aborted', error: attempt.error, ...base() };
        this.finish(request, outcome, `send aborted: ${attempt.error}`);
        return { type: 'outcome', outcome };
      } else {
        failure = { reason: attempt.type, error: attempt.error };
      }
      // RW2 spec B3: 5xx MUST be retried, with backoff.
      const wait = retryWait(retry, retryAfterMs, this.retry, this.random);
      const elapsed = Date.now() - context.startMs;
      if (retry >= this.retry.maxRetries || elapsed + wait > this.retry.maxElapsedMs) {
        const outcome: SendOutcome = { kind: 'failed', ...failure, ...base() };
        const why = failure.reason === 'status' ? `HTTP ${failure.status}: ${failure.body}` : `${failure.reason}: ${failure.error}`;
        this.finish(request, outcome, `giving up after ${context.attempts} attempt(s) in ${outcome.elapsedMs} ms (${why})`);
        return { type: 'outcome', outcome };
      }
      this.recorder.retry(request);
      if (!(await sleep(wait, context.signal))) {
        const outcome: SendOutcome = { kind: 'failed', ...failure, reason: 'aborted', error: 'aborted while waiting to retry', ...base() };
        this.finish(request, outcome, 'send aborted while waiting to retry');
        return { type: 'outcome', outcome };
      }
    }
  }

  private written(
    request: RemoteWriteRequest,
    headers: Headers,
    crossOrigin: boolean,
    status: number,
    base: Omit<WrittenOutcome, 'kind' | 'status' | 'samplesWritten' | 'histogramsWritten' | 'exemplarsWritten' | 'partial'>,
  ): AttemptResult {
    const counts = writtenCounts(headers);
    const none = counts.samples === undefined && counts.histograms === undefined && counts.exemplars === undefined;
    if (base.protobufMessage === 'v2' && none && request.samples + request.histograms + request.exemplars > 0) {
      // RW2 spec R5: a 2xx to RW2 with none of the three headers SHOULD be treated as 415 (a 1.x receiver
      // decoded an empty request and dropped everything). Unless nothing was sent at all.
      if (!crossOrigin) return { type: 'unsupported', status, body: '' };
      // Cross-origin in a browser, headers the receiver does not expose (CORS) read as absent: a 1.x
      // receiver and a 2.0 one exposing nothing look alike. The default stays R5's fallback, which loses
      // nothing either way (a 2.0 receiver accepts RW1 too); the option trusts the 2xx instead.
      this.warnHiddenHeaders();
      if (!this.assumeWrittenWhenHeadersHidden) return { type: 'unsupported', status, body: '' };
    }
    // A count that is absent for RW1 (1.x receivers do not send them: R4 says MUST NOT read 0) or not
    // exposed cross-origin is unknown, taken as everything sent; an absent RW2 count is 0 (R4: CAN be).
    const unknownMeansSent = base.protobufMessage === 'v1' || crossOrigin;
    const outcome: WrittenOutcome = {
      kind: 'written',
      status,
      samplesWritten: counts.samples ?? (unknownMeansSent ? request.samples : 0),
      histogramsWritten: counts.histograms ?? (unknownMeansSent ? request.histograms : 0),
      exemplarsWritten: counts.exemplars ?? (unknownMeansSent ? request.exemplars : 0),
      partial: false,
      ...base,
    };
    outcome.partial =
      outcome.samplesWritten < request.samples || outcome.histogramsWritten < request.histograms || outcome.exemplarsWritten < request.exemplars;
    this.finish(
      request,
      outcome,
      outcome.partial
        ? `partial write (HTTP ${status}): written ${outcome.samplesWritten}/${request.samples} samples, ` +
            `${outcome.histogramsWritten}/${request.histograms} histograms, ${outcome.exemplarsWritten}/${request.exemplars} exemplars`
        : undefined,
    );
    return { type: 'outcome', outcome };
  }

  private warnHiddenHeaders(): void {
    if (this.warnedHiddenHeaders) return;
    this.warnedHiddenHeaders = true;
    this.logger?.warn(
      `otlp2prw: ${this.url} answered a Remote-Write 2.0 request cross-origin without readable X-Prometheus-Remote-Write-*-Written headers: ` +
        'the receiver must list them in Access-Control-Expose-Headers; ' +
        (this.assumeWrittenWhenHeadersHidden
          ? 'taking every 2xx as fully written (assumeWrittenWhenHeadersHidden), partial writes go unnoticed'
          : 'until then such a 2xx counts as a 1.x receiver, and the client falls back to Remote-Write 1.0 (or set assumeWrittenWhenHeadersHidden)'),
    );
  }

  private finish(request: RemoteWriteRequest, outcome: SendOutcome, warning: string | undefined): void {
    this.recorder.outcome(request, outcome);
    if (warning) this.logger?.warn(`otlp2prw: ${this.url}: ${warning}`);
  }

  /** One HTTP attempt; the timeout covers the response body too. Never throws. */
  private async attemptOnce(
    request: RemoteWriteRequest,
    retry: number,
    signal: AbortSignal | undefined,
  ): Promise<{ type: 'response'; status: number; headers: Headers; crossOrigin: boolean; body: string } | { type: 'network' | 'timeout' | 'aborted'; error: string }> {
    const message = request.protobufMessage ?? 'v2';
    const headers: Record<string, string> = { ...this.headers, ...messageHeaders(message) };
    // Prometheus's client sends the retry number; receivers may log it.
    if (retry > 0) headers['Retry-Attempt'] = String(retry);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    const init: RequestInit & { dispatcher?: unknown } = { method: 'POST', headers, body: request.body as Uint8Array<ArrayBuffer>, signal: controller.signal };
    if (this.dispatcher !== undefined) init.dispatcher = this.dispatcher;
    let status: number | undefined;
    try {
      // Called as a plain function: browsers throw "Illegal invocation" for window.fetch called as a method of another object.
      const fetch = this.fetchImpl as typeof globalThis.fetch;
      const response = await fetch(this.url, init);
      status = response.status;
      // RW2 spec R1: a 2xx body is reserved and ignored (read to its end so the connection can be reused).
      const body = status >= 200 && status < 300 ? (await response.arrayBuffer(), '') : await readBodyPrefix(response);
      this.recorder.attempt(String(status), request.body.length, (performance.now() - started) / 1000);
      // A cross-origin response in a browser shows only the headers the receiver exposes (CORS).
      return { type: 'response', status, headers: response.headers, crossOrigin: response.type === 'cors', body };
    } catch (error) {
      const type = timedOut ? 'timeout' : signal?.aborted ? 'aborted' : 'network';
      this.recorder.attempt(type === 'network' ? 'network_error' : type, request.body.length, (performance.now() - started) / 1000);
      return { type, error: `${status === undefined ? '' : `HTTP ${status}, then `}${describeError(error)}` };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

function combine(parts: SendOutcome[], message: ProtobufMessage, context: SendContext): SendOutcome {
  const base = { protobufMessage: message, attempts: context.attempts, elapsedMs: Date.now() - context.startMs, parts };
  const notWritten = parts.find((part) => part.kind !== 'written');
  if (notWritten) return { ...notWritten, ...base };
  const written = parts as WrittenOutcome[];
  return {
    kind: 'written',
    status: written[written.length - 1].status,
    samplesWritten: written.reduce((n, p) => n + p.samplesWritten, 0),
    histogramsWritten: written.reduce((n, p) => n + p.histogramsWritten, 0),
    exemplarsWritten: written.reduce((n, p) => n + p.exemplarsWritten, 0),
    partial: written.some((p) => p.partial),
    ...base,
  };
}

function describe(message: ProtobufMessage): string {
  return message === 'v2' ? 'Remote-Write 2.0 (io.prometheus.write.v2.Request)' : 'Remote-Write 1.0 (prometheus.WriteRequest)';
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${(cause as { code?: string }).code ?? ''} ${cause.message}`.replace(':  ', ': ') : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
