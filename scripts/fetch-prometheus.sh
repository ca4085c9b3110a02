#!/usr/bin/env bash
# Print the path of a Prometheus 3.x binary for the integration tests.
# PROMETHEUS_BIN (if set and executable) wins; otherwise Debian sid's `prometheus` package is fetched
# into the project cache (see fetch-debian-package.sh) and its usr/bin/prometheus is printed.
set -euo pipefail
if [[ -n ${PROMETHEUS_BIN:-} ]]; then
  if [[ -x $PROMETHEUS_BIN && ! -d $PROMETHEUS_BIN ]]; then
    echo "$PROMETHEUS_BIN"
    exit 0
  fi
  echo "fetch-prometheus: PROMETHEUS_BIN=$PROMETHEUS_BIN is not an executable file; fetching instead" >&2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/fetch-debian-package.sh" sid prometheus prometheus
