import { malformedSeries } from './errors.js';
import { mergeLabelPairs } from './merge-labels.js';
import { LABELS_FIELD, type LabelSetViews, SERIES_FIELDS, type SeriesBatch, TYPE_FIELD } from './series-batch.js';
import type { SeriesPlanner } from './series-plan.js';

/**
 * Numbers a request's strings in first use, series by series: a series uses its labels in label order,
 * then its help and unit, then its exemplars' labels. Once a series of a label set has used all the
 * set's labels (none replaced by its `__name__` or extra label), later ones (a histogram's buckets) can
 * only add their own `__name__` and extra label, so only those are looked at. The order is the symbol order of the
 * request. The js engine's twin of assembly/request.ts numberSeries: both must give the same order.
 */
export class SeriesNumbering {
  private used = new Uint8Array(0);
  private setDone = new Uint8Array(0);
  private order = new Uint32Array(0);
  private length = 0;
  private idCount = 0;
  private setCount = 0;

  /** Starts numbering over string ids [0, idCount) and label sets [0, setCount). */
  begin(idCount: number, setCount: number): void {
    if (this.used.length < idCount) {
      this.used = new Uint8Array(idCount);
      this.order = new Uint32Array(idCount);
    } else this.used.fill(0, 0, idCount);
    if (this.setDone.length < setCount) this.setDone = new Uint8Array(setCount);
    else this.setDone.fill(0, 0, setCount);
    this.length = 0;
    this.idCount = idCount;
    this.setCount = setCount;
  }

  /** Numbers the strings `batch`'s series use (series, labelScratch and the exemplar id columns). */
  number(batch: SeriesBatch, sets: LabelSetViews, planner: SeriesPlanner): void {
    const { series, labelScratch, exemplarIdStart, exemplarIds } = batch;
    const { pool, start } = sets;
    for (let i = 0; i < batch.count; i++) {
      const at = SERIES_FIELDS * i;
      const set = series[at];
      if (set >= this.setCount) throw malformedSeries(`label set ${set}`);
      const from = start[set];
      const pairs = (start[set + 1] - from) >> 1;
      const plan = planner.planSeries(series, at + LABELS_FIELD, set, pool, from, pairs);
      if (this.setDone[set] === 0) {
        const length = mergeLabelPairs(pool, from, pairs, plan, 0, labelScratch);
        for (let l = 0; l < length; l++) this.use(labelScratch[l]);
        // Done only if no set label was replaced: a replaced value may still be used by another series.
        if (length === 2 * pairs + (plan[3] <= pairs ? 4 : 2)) this.setDone[set] = 1;
      } else {
        this.use(plan[1]);
        this.use(plan[2]);
        if (plan[3] <= pairs) {
          this.use(plan[4]);
          this.use(plan[5]);
        }
      }
      this.use(series[at + TYPE_FIELD + 1]);
      this.use(series[at + TYPE_FIELD + 2]);
      for (let e = exemplarIdStart[i]; e < exemplarIdStart[i + 1]; e++) this.use(exemplarIds[e]);
    }
  }

  /** The ids used so far, in first-use order; a view valid until the next call. */
  ordered(): Uint32Array {
    return this.order.subarray(0, this.length);
  }

  private use(id: number): void {
    if (id >= this.idCount) throw malformedSeries(`string id ${id}`);
    if (this.used[id] === 0) {
      this.used[id] = 1;
      this.order[this.length++] = id;
    }
  }
}
