// Reading a Remote-Write response: the `*-Written` headers and a bounded error body.

export const SAMPLES_WRITTEN = 'X-Prometheus-Remote-Write-Samples-Written';
export const HISTOGRAMS_WRITTEN = 'X-Prometheus-Remote-Write-Histograms-Written';
export const EXEMPLARS_WRITTEN = 'X-Prometheus-Remote-Write-Exemplars-Written';

/** Prometheus logs at most this much of an error body (client.go maxErrMsgLen). */
export const MAX_ERROR_BODY_BYTES = 1024;

export interface WrittenCounts {
  samples?: number;
  histograms?: number;
  exemplars?: number;
}

/** The three counts (RW2 spec R3); a header that is absent or not a non-negative integer is undefined. */
export function writtenCounts(headers: Headers): WrittenCounts {
  return {
    samples: count(headers.get(SAMPLES_WRITTEN)),
    histograms: count(headers.get(HISTOGRAMS_WRITTEN)),
    exemplars: count(headers.get(EXEMPLARS_WRITTEN)),
  };
}

function count(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * Up to `limit` bytes of the body as text (with "…" when cut), then the rest is discarded. Bounded so
 * that a receiver's multi-megabyte error page costs nothing (compliance: handle_large_error_body).
 */
export async function readBodyPrefix(response: Response, limit = MAX_ERROR_BODY_BYTES): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let cut = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (length > limit) {
        cut = true;
        break;
      }
    }
  } finally {
    if (cut) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  const bytes = new Uint8Array(Math.min(length, limit));
  let offset = 0;
  for (const chunk of chunks) {
    const take = Math.min(chunk.length, bytes.length - offset);
    bytes.set(chunk.subarray(0, take), offset);
    offset += take;
    if (offset === bytes.length) break;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return cut ? `${text}…` : text;
}
