/** A small OTLP JSON request (a web service's counter, gauge and up-down counter) for the demo. */
export function demoRequest(nowMs: number): object {
  const now = `${nowMs}000000`;
  const start = `${nowMs - 60_000}000000`;
  const attributes = (entries: Record<string, string>) =>
    Object.entries(entries).map(([key, value]) => ({ key, value: { stringValue: value } }));
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: attributes({
            'service.namespace': 'shop',
            'service.name': 'checkout',
            'service.instance.id': 'checkout-7d9f-1',
            'k8s.pod.name': 'checkout-7d9f-1',
            'cloud.region': 'eu-west-1',
          }),
        },
        scopeMetrics: [
          {
            scope: { name: 'checkout-instrumentation', version: '1.2.0' },
            metrics: [
              {
                name: 'http.server.requests',
                description: 'Handled HTTP requests',
                unit: '{request}',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    { attributes: attributes({ 'http.route': '/cart', 'http.response.status_code': '200' }), startTimeUnixNano: start, timeUnixNano: now, asInt: '1027' },
                    { attributes: attributes({ 'http.route': '/pay', 'http.response.status_code': '500' }), startTimeUnixNano: start, timeUnixNano: now, asInt: '3' },
                  ],
                },
              },
              {
                name: 'process.memory.usage',
                description: 'Resident memory',
                unit: 'By',
                gauge: { dataPoints: [{ timeUnixNano: now, asInt: '73400320' }] },
              },
              {
                name: 'queue.depth',
                unit: '{item}',
                sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: [{ timeUnixNano: now, asDouble: 12 }] },
              },
            ],
          },
        ],
      },
    ],
  };
}
