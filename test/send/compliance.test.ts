// A port of prometheus/compliance `remotewrite/sender` cases that apply to an OTLP-fed sender
// (protocol-and-sender.md §5.3). Case names and RFC levels are kept; the OM scrape is replaced by OTLP
// input and the mock receiver by test/send/fault-server.ts (which, like the suite's, fills the Written
// headers on 2xx for v2).
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteWriteSender, type RemoteWriteSenderOptions } from '../../src/send/sender.js';
import type { SendOutcome } from '../../src/send/outcome.js';
import type { ReadWriteRequestV1, ReadWriteRequestV2 } from '../../src/rw/read.js';
import { type Action, type FaultServer, otlpGauges, silent, startFaultServer } from './fault-server.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const retry = { minBackoffMs: 10, maxBackoffMs: 200, maxRetries: 4, maxElapsedMs: 10_000 };

async function run(actions: Action[], input: object = otlpGauges(4, 2), options: Partial<RemoteWriteSenderOptions> = {}) {
  server = await startFaultServer(actions);
  const outcomes: SendOutcome[] = [];
  const sender = new RemoteWriteSender({
    url: server.url,
    retry,
    logger: silent,
    builder: { engine: 'js' },
    onOutcome: (o) => outcomes.push(o),
    ...options,
  });
  await sender.write(input);
  await sender.close();
  return { server, outcomes, sender };
}

const v2 = (s: FaultServer, i = 0) => s.received[i].decoded as ReadWriteRequestV2;

describe('protocol', () => {
  it('content_type_protobuf, content_type_with_proto_param, content_encoding_snappy, version_header_*, user_agent_present, TestHTTPMethod [MUST/SHOULD]', async () => {
    const { server } = await run([]);
    const r = server.received[0];
    expect(r.headers['content-type']).toContain('application/x-protobuf');
    expect(r.headers['content-type']).toContain('proto=io.prometheus.write.v2.Request');
    expect(r.headers['content-encoding']).toBe('snappy');
    expect(r.headers['x-prometheus-remote-write-version']).toMatch(/^2\.0/);
    expect(r.headers['user-agent']).toMatch(/^otlp2prw\/\d+\.\d+\.\d+/);
    expect(r.method).toBe('POST');
  });

  it('snappy_block_format, protobuf_parseable [MUST]', async () => {
    const { server } = await run([]);
    const r = server.received[0];
    expect(r.body.subarray(0, 10).toString('hex')).not.toBe('ff060000734e61507059');
    expect(r.decodeError).toBeUndefined();
    expect(v2(server).symbols.length).toBeGreaterThan(0);
  });
});

describe('symbols', () => {
  it('empty_string_at_index_zero, labels_refs_valid_indices, labels_refs_even_length [MUST]; string_deduplication [RECOMMENDED]', async () => {
    const { server } = await run([]);
    const request = v2(server);
    expect(request.symbols[0]).toBe('');
    for (const series of request.timeseries) {
      expect(series.labelsRefs.length % 2).toBe(0);
      for (const ref of series.labelsRefs) expect(ref).toBeLessThan(request.symbols.length);
    }
    expect(new Set(request.symbols).size).toBe(request.symbols.length);
  });
});

describe('labels', () => {
  it('label_lexicographic_ordering, metric_name_label_present, no_duplicate_label_names, label_names_not_empty [MUST]', async () => {
    const { server } = await run([]);
    for (const series of v2(server).timeseries) {
      const names = series.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort());
      expect(names).toContain('__name__');
      expect(new Set(names).size).toBe(names.length);
      expect(names.every((n) => n.length > 0)).toBe(true);
    }
  });
});

describe('batching', () => {
  it('batch_size_reasonable: <= 10 000 series per request on a 12k-series input [RECOMMENDED]', async () => {
    const { server } = await run([], otlpGauges(12_000));
    const sizes = server.received.map((r) => (r.decoded as ReadWriteRequestV2).timeseries.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10_000);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(12_000);
    expect(server.accepted()).toHaveLength(12_000);
  });

  it('TestConcurrentRequests [MAY]: several shards post in parallel', async () => {
    const { server } = await run([], otlpGauges(40), { shards: 4, maxSeriesPerRequest: 5 });
    expect(new Set(server.received.map((r) => r.index)).size).toBeGreaterThanOrEqual(4);
    expect(server.accepted()).toHaveLength(40);
  });
});

describe('retry', () => {
  it.each([400, 401, 404])('no_retry_on_%i [MUST]: <= 2 requests', async (status) => {
    const { server, outcomes } = await run([{ status }]);
    expect(server.received.length).toBeLessThanOrEqual(2);
    expect(server.received).toHaveLength(1);
    expect(outcomes[0].kind).toBe('rejected');
  });

  it.each([500, 503, 502, 504])('retry_on_%i [MUST/SHOULD]', async (status) => {
    const { server, outcomes } = await run([{ status }]);
    expect(server.received).toHaveLength(2);
    expect(outcomes[0].kind).toBe('written');
  });

  it('may_retry_on_429 with Retry-After: 1 [MAY]', async () => {
    const { server, outcomes } = await run([{ status: 429, headers: { 'Retry-After': '1' } }], otlpGauges(2), { retry: { ...retry, maxBackoffMs: 2_000 } });
    expect(server.received).toHaveLength(2);
    expect(server.received[1].atMs - server.received[0].atMs).toBeGreaterThanOrEqual(990);
    expect(outcomes[0].kind).toBe('written');
  });

  it('no_retry_on_413 [SHOULD]: the same body is not resent (the halves are new, smaller bodies)', async () => {
    const { server } = await run([{ status: 413 }]);
    const bodies = server.received.map((r) => r.body.toString('hex'));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(server.received.slice(1).every((r) => r.body.length < server.received[0].body.length)).toBe(true);
  });
});

describe('backoff', () => {
  it('backoff_required [MUST], exponential_backoff_on_retries [SHOULD: ratio >= 0.8], backoff_max_delay [SHOULD: <= 60 s]', async () => {
    const actions: Action[] = Array.from({ length: 4 }, () => ({ status: 503 }));
    const { server } = await run(actions, otlpGauges(1), { retry: { minBackoffMs: 30, maxBackoffMs: 1_000, maxRetries: 10, maxElapsedMs: 10_000 } });
    const gaps = server.received.slice(1).map((r, i) => r.atMs - server.received[i].atMs);
    expect(gaps).toHaveLength(4);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(25);
      expect(gap).toBeLessThanOrEqual(60_000);
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i] / gaps[i - 1]).toBeGreaterThanOrEqual(0.8);
  });
});

describe('response', () => {
  it('ignore_response_body_on_success, handle_200_ok, handle_204_no_content [MUST/SHOULD]', async () => {
    const { outcomes } = await run([{ status: 200, body: '{"surprise":true}' }]);
    expect(outcomes[0]).toMatchObject({ kind: 'written', status: 200, partial: false });
  });

  it('handle_partial_write_response [SHOULD], process_written_count_headers [MAY]', async () => {
    const { outcomes, sender } = await run([{ status: 204, written: { samples: 1, histograms: 0, exemplars: 0 } }]);
    expect(outcomes[0]).toMatchObject({ kind: 'written', partial: true, samplesWritten: 1 });
    expect(sender.telemetry().samples).toMatchObject({ sent: 1, failed: 7 });
  });

  it('handle_missing_written_headers [SHOULD]: treated as 415, resent as RW1', async () => {
    const { server } = await run([{ status: 204, written: 'none' }]);
    expect(server.received.map((r) => r.message)).toEqual(['v2', 'v1']);
  });

  it('log_error_messages_verbatim [MUST], handle_large_error_body [SHOULD]', async () => {
    const warnings: string[] = [];
    await run([{ status: 400, body: 'sample out of order: "x"\n' }], otlpGauges(1), { logger: { warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toContain('sample out of order: "x"\n');
    const { outcomes } = await run([{ status: 400, body: 'e'.repeat(1 << 20) }]);
    expect(outcomes[0].kind === 'rejected' && outcomes[0].body.length).toBeLessThanOrEqual(1025);
  });
});

describe('fallback', () => {
  it('fallback_on_415_unsupported_media_type, retry_with_different_version, fallback_header_changes [MUST], accept_success_after_fallback, persistent_fallback_choice', async () => {
    server = await startFaultServer([{ status: 415 }]);
    const sender = new RemoteWriteSender({ url: server.url, retry, logger: silent, builder: { engine: 'js' } });
    await sender.write(otlpGauges(2, 1, Date.now() - 60_000));
    await sender.flush();
    await sender.write(otlpGauges(2, 1, Date.now() - 30_000));
    await sender.close();
    const [first, second, third] = server.received;
    expect(first.headers['content-type']).toBe('application/x-protobuf;proto=io.prometheus.write.v2.Request');
    expect(second.headers['content-type']).toBe('application/x-protobuf');
    expect(second.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(third.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(server.accepted()).toHaveLength(4);
  });

  it('TestNoFallbackOn2xx [MUST]: the version stays the same on success', async () => {
    server = await startFaultServer();
    const sender = new RemoteWriteSender({ url: server.url, retry, logger: silent, builder: { engine: 'js' } });
    for (let i = 0; i < 3; i++) await sender.write(otlpGauges(1, 1, Date.now() - 60_000 + i * 1000));
    await sender.close();
    expect(server.received.map((r) => r.headers['x-prometheus-remote-write-version'])).toEqual(['2.0.0', '2.0.0', '2.0.0']);
  });
});

describe('rw1_compat', () => {
  it('rw1_version_header, rw1_content_type [SHOULD]; rw1_samples_encoding, rw1_labels_encoding, rw1_no_start_timestamp, rw1_symbol_table_not_used [MUST]', async () => {
    const { server } = await run([], otlpGauges(3, 2), { protobufMessage: 'v1' });
    const r = server.received[0];
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(r.headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    const request = r.decoded as ReadWriteRequestV1;
    expect(request.timeseries).toHaveLength(3);
    for (const series of request.timeseries) {
      expect(series.labels.find((l) => l.name === '__name__')?.value).toBe('test_gauge');
      expect(series.samples).toHaveLength(2);
      for (const s of series.samples) expect(s.startTimestamp).toBe(0);
    }
    expect(server.accepted()).toHaveLength(6);
  });
});

describe('error_handling', () => {
  it('connection_refused, timeout, malformed_response, invalid_status_code, empty_response [SHOULD]; sender_continues_after_errors [MUST]', async () => {
    const { server, outcomes } = await run(
      [{ status: 599, body: 'weird' }, { hang: true }, { reset: true }, { status: 204, written: { samples: 'NaN' as never } }],
      otlpGauges(2),
      { timeoutMs: 200 },
    );
    // 599 (a 5xx) retried; hang -> timeout, retried; reset -> retried; then a 2xx whose only Written
    // header is malformed: no usable Written header, so treated as 415 and resent as RW1.
    expect(server.received.map((r) => r.answered)).toEqual([599, 'hang', 'reset', 204, 204]);
    expect(server.received[4].message).toBe('v1');
    expect(outcomes[0]).toMatchObject({ kind: 'written', samplesWritten: 2 });
  });
});
