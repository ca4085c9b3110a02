// Random OTLP requests made into ones the wasm engine's fused path takes (fused.test.ts, fused-split.test.ts).

type Point = Record<string, unknown> & { attributes: unknown[]; quantileValues?: Array<{ quantile: number }> };

type Attributes = Array<{ key: string }>;

/** Keys and names prefixed with a letter: the arbitraries' keys include ones no strategy accepts ("", "ключ"). */
function prefixed(attributes: Attributes): Attributes {
  return attributes.map((attribute) => ({ ...attribute, key: `k${attribute.key}` }));
}

/**
 * What the fast path takes: cumulative metrics with points, no exemplars, valid names, points told
 * apart by an attribute of their own (no second sample of a series), quantiles in increasing order.
 */
export function acceptable(request: {
  resourceMetrics: Array<{ resource: { attributes: Attributes }; scopeMetrics: Array<{ scope: { attributes: Attributes }; metrics: Array<Record<string, unknown>> }> }>;
}): object {
  let pointNumber = 0;
  for (const resource of request.resourceMetrics) {
    resource.resource.attributes = resource.resource.attributes.map((attribute) => (attribute.key.startsWith('service.') ? attribute : { ...attribute, key: `k${attribute.key}` }));
    for (const scope of resource.scopeMetrics) {
      scope.scope.attributes = prefixed(scope.scope.attributes);
      scope.metrics = scope.metrics.filter((metric) => {
        metric.name = `m${metric.name as string}`;
        const data = (metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary) as { dataPoints: Point[]; aggregationTemporality?: number };
        if ('aggregationTemporality' in data) data.aggregationTemporality = 2;
        for (const point of data.dataPoints) {
          point.exemplars = [];
          point.attributes = [...prefixed(point.attributes as Attributes), { key: 'point', value: { intValue: String(pointNumber++) } }];
          if (point.quantileValues !== undefined) {
            const byQuantile = new Map(point.quantileValues.map((value) => [value.quantile, value]));
            point.quantileValues = [...byQuantile.values()].sort((a, b) => a.quantile - b.quantile);
          }
        }
        return data.dataPoints.length > 0;
      });
    }
  }
  return request;
}
