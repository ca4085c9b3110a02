import { RemoteWriteConfigError } from './errors.js';

export interface RetryOptions {
  /** First wait. Default 30 ms (Prometheus's min_backoff). */
  minBackoffMs?: number;
  /** Longest wait, also the cap on `Retry-After`. Default 5000 ms (Prometheus's max_backoff). */
  maxBackoffMs?: number;
  /** Retries after the first attempt. Default 10. `Infinity` retries until maxElapsedMs. */
  maxRetries?: number;
  /** No retry starts (and no wait is begun) past this long after the first attempt. Default 120 000 ms. */
  maxElapsedMs?: number;
  /** Retry 429 Too Many Requests (the spec says MAY). Default true. */
  retryOnRateLimit?: boolean;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(retry: RetryOptions = {}): ResolvedRetryOptions {
  const resolved: ResolvedRetryOptions = {
    minBackoffMs: retry.minBackoffMs ?? 30,
    maxBackoffMs: retry.maxBackoffMs ?? 5_000,
    maxRetries: retry.maxRetries ?? 10,
    maxElapsedMs: retry.maxElapsedMs ?? 120_000,
    retryOnRateLimit: retry.retryOnRateLimit ?? true,
  };
  for (const key of ['minBackoffMs', 'maxBackoffMs', 'maxRetries', 'maxElapsedMs'] as const) {
    const value = resolved[key];
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
      throw new RemoteWriteConfigError(`retry.${key}`, `must be a number >= 0, got ${String(value)}`);
    }
  }
  if (resolved.minBackoffMs > resolved.maxBackoffMs) {
    throw new RemoteWriteConfigError('retry.minBackoffMs', `(${resolved.minBackoffMs}) must not exceed retry.maxBackoffMs (${resolved.maxBackoffMs})`);
  }
  return resolved;
}

/**
 * The wait before retry number `retry` (0 = the first retry). Exponential with "equal jitter": the
 * ceiling doubles from minBackoffMs up to maxBackoffMs, and the wait is drawn uniformly from the upper
 * half of it, never below minBackoffMs:
 *   retry 0: [min, min]   retry 1: [min, 2·min]   retry 2: [2·min, 4·min] ... [max/2, max]
 * Jitter spreads retries of many senders after a shared outage; keeping the lower half out (unlike
 * "full jitter", uniform in [0, ceiling]) keeps every wait at least minBackoffMs and keeps consecutive
 * waits non-decreasing while below the cap, which the compliance suite's
 * `exponential_backoff_on_retries` checks (ratio >= 0.8).
 */
export function backoffDelay(retry: number, options: ResolvedRetryOptions, random: () => number = Math.random): number {
  const { minBackoffMs: min, maxBackoffMs: max } = options;
  const ceiling = Math.min(max, min * 2 ** Math.min(retry, 52));
  const floor = Math.max(min, ceiling / 2);
  return floor + random() * (ceiling - floor);
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in milliseconds from `nowMs`: delay-seconds or an HTTP-date.
 * undefined when absent, unparseable or not in the future (then the normal backoff applies, as in
 * Prometheus's client).
 */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return ms > 0 ? ms : undefined;
  }
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  const ms = date - nowMs;
  return ms > 0 ? ms : undefined;
}

/**
 * The wait before the next attempt: the backoff, or longer if the receiver's Retry-After asks for it
 * ("not before"), capped at maxBackoffMs so that one response cannot park a shard for hours.
 */
export function retryWait(retry: number, retryAfterMs: number | undefined, options: ResolvedRetryOptions, random?: () => number): number {
  const backoff = backoffDelay(retry, options, random);
  if (retryAfterMs === undefined) return backoff;
  return Math.min(Math.max(backoff, retryAfterMs), options.maxBackoffMs);
}
