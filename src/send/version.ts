/** This package's version, sent in `User-Agent: otlp2prw/<version>`. Kept equal to package.json's by a unit test. */
export const OTLP2PRW_VERSION = '0.1.0';
