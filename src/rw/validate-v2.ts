import { RemoteWriteRule, RemoteWriteValidationError } from './errors.js';
import { compareUtf8 } from './label-order.js';
import type { Labels, WriteRequest } from './types.js';

/**
 * Checks a decoded RW2 request against the spec's MUSTs (Remote-Write 2.0, "TimeSeries" and "Symbols"):
 * symbols[0] is "", every reference is inside `symbols`, labels_refs has (name, value) pairs, label
 * names are sorted (UTF-8 byte order) and unique, names and values are not empty, `__name__` is present,
 * and each series has samples or histograms but not both. Throws on the first violation.
 */
export function validateWriteRequestV2(request: WriteRequest): void {
  const { symbols, timeseries } = request;
  if (symbols.length === 0 || symbols[0] !== '') {
    throw new RemoteWriteValidationError(
      RemoteWriteRule.SYMBOLS_START_EMPTY,
      -1,
      symbols.length === 0 ? 'symbols is empty' : `symbols[0] is ${JSON.stringify(symbols[0])}, not ""`,
    );
  }
  timeseries.forEach((series, index) => {
    checkLabelsRefs(symbols, series.labelsRefs, index, 'labels_refs', true);
    checkRef(symbols, series.metadata.helpRef, index, 'metadata.help_ref', '');
    checkRef(symbols, series.metadata.unitRef, index, 'metadata.unit_ref', '');
    series.exemplars.forEach((exemplar, e) => checkLabelsRefs(symbols, exemplar.labelsRefs, index, `exemplars[${e}].labels_refs`, false));
    const hasSamples = series.samples.length > 0;
    const hasHistograms = series.histograms.length > 0;
    if (hasSamples === hasHistograms) {
      throw new RemoteWriteValidationError(
        RemoteWriteRule.SAMPLES_XOR_HISTOGRAMS,
        index,
        hasSamples ? 'has both samples and histograms' : 'has neither samples nor histograms',
      );
    }
  });
}

function checkLabelsRefs(symbols: readonly string[], refs: readonly number[], index: number, field: string, isSeries: boolean): void {
  if (refs.length % 2 !== 0) {
    throw new RemoteWriteValidationError(RemoteWriteRule.LABELS_REFS_EVEN, index, `${field} has odd length ${refs.length}`);
  }
  let previousName: string | undefined;
  let hasName = false;
  for (let i = 0; i < refs.length; i += 2) {
    // Two calls, not a loop over [name, value]: an array per label was a large part of reading a request.
    checkRef(symbols, refs[i], index, field, ' ref');
    checkRef(symbols, refs[i + 1], index, field, ' ref');
    const name = symbols[refs[i]];
    const value = symbols[refs[i + 1]];
    if (name === '' || value === '') {
      throw new RemoteWriteValidationError(
        RemoteWriteRule.LABELS_NOT_EMPTY,
        index,
        `${field} has an empty label ${name === '' ? 'name' : `value for ${JSON.stringify(name)}`}`,
      );
    }
    if (previousName !== undefined) {
      const order = compareUtf8(previousName, name);
      if (order === 0) {
        throw new RemoteWriteValidationError(RemoteWriteRule.LABEL_NAMES_UNIQUE, index, `${field} repeats label name ${JSON.stringify(name)}`);
      }
      if (order > 0) {
        throw new RemoteWriteValidationError(
          RemoteWriteRule.LABELS_SORTED,
          index,
          `${field}: ${JSON.stringify(name)} comes after ${JSON.stringify(previousName)}`,
        );
      }
    }
    if (name === '__name__') hasName = true;
    previousName = name;
  }
  if (isSeries && !hasName) {
    throw new RemoteWriteValidationError(RemoteWriteRule.METRIC_NAME_PRESENT, index, 'has no __name__ label');
  }
}

/** Fails unless `ref` is inside `symbols`; the message names `field` + `suffix` (built only then). */
function checkRef(symbols: readonly string[], ref: number, index: number, field: string, suffix: string): void {
  if (ref >= symbols.length) {
    throw new RemoteWriteValidationError(RemoteWriteRule.REF_IN_RANGE, index, `${field}${suffix} ${ref} is outside symbols (size ${symbols.length})`);
  }
}

/** Label pairs of `refs` resolved against `symbols` (refs already validated). */
export function resolveLabels(symbols: readonly string[], refs: readonly number[]): Labels {
  const labels: Labels = [];
  for (let i = 0; i + 1 < refs.length; i += 2) labels.push({ name: symbols[refs[i]], value: symbols[refs[i + 1]] });
  return labels;
}
