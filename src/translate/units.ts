/**
 * OTel (UCUM) units to the words Prometheus puts in names and metadata, as prometheus/otlptranslator
 * v1.0.0 (unit_namer.go) maps them. Units not listed pass through unchanged.
 */
const MAIN_UNITS: ReadonlyMap<string, string> = new Map([
  // Time
  ['d', 'days'],
  ['h', 'hours'],
  ['min', 'minutes'],
  ['s', 'seconds'],
  ['ms', 'milliseconds'],
  ['us', 'microseconds'],
  ['ns', 'nanoseconds'],
  // Bytes
  ['By', 'bytes'],
  ['KiBy', 'kibibytes'],
  ['MiBy', 'mebibytes'],
  ['GiBy', 'gibibytes'],
  ['TiBy', 'tibibytes'],
  ['KBy', 'kilobytes'],
  ['MBy', 'megabytes'],
  ['GBy', 'gigabytes'],
  ['TBy', 'terabytes'],
  // SI
  ['m', 'meters'],
  ['V', 'volts'],
  ['A', 'amperes'],
  ['J', 'joules'],
  ['W', 'watts'],
  ['g', 'grams'],
  // Misc
  ['Cel', 'celsius'],
  ['Hz', 'hertz'],
  ['1', ''],
  ['%', 'percent'],
]);

/** The denominator of `x/y` units. */
const PER_UNITS: ReadonlyMap<string, string> = new Map([
  ['s', 'second'],
  ['m', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
  ['w', 'week'],
  ['mo', 'month'],
  ['y', 'year'],
]);

/**
 * Splits an OTel unit into its main and per parts as words: `By/s` -> ['bytes', 'per_second'].
 * A part that is blank or holds a `{...}` annotation contributes nothing.
 */
export function unitWords(unit: string): { main: string; per: string } {
  const slash = unit.indexOf('/');
  const mainRaw = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  let main = '';
  if (mainRaw !== '' && !/[{}]/.test(mainRaw)) main = MAIN_UNITS.get(mainRaw) ?? mainRaw;
  let per = '';
  if (slash >= 0) {
    const perRaw = unit.slice(slash + 1).trim();
    if (perRaw !== '' && !/[{}]/.test(perRaw)) per = PER_UNITS.get(perRaw) ?? perRaw;
    if (per !== '') per = `per_${per}`;
  }
  return { main, per };
}
