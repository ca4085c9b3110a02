#!/usr/bin/env bash
# Print the paths of the two RW1-only receivers used by the fallback tests, one per line:
#   PROMETHEUS2_BIN=<path>        Prometheus 2.x (Debian bookworm's `prometheus`, 2.42)
#   VICTORIA_METRICS_BIN=<path>   VictoriaMetrics (Debian bookworm's `victoria-metrics`)
# Each honours its environment variable if it names an executable file. Bookworm's packages are
# cached under <cache>/debian/bookworm, apart from sid's Prometheus 3.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

pick() { # <env-var-name> <package> <binary>
  local var=$1 package=$2 binary=$3 value
  value=${!var:-}
  if [[ -n $value ]]; then
    if [[ -x $value && ! -d $value ]]; then
      echo "$var=$value"
      return 0
    fi
    echo "fetch-rw1-receivers: $var=$value is not an executable file; fetching instead" >&2
  fi
  value=$(bash "$here/fetch-debian-package.sh" bookworm "$package" "$binary")
  echo "$var=$value"
}

pick PROMETHEUS2_BIN prometheus prometheus
pick VICTORIA_METRICS_BIN victoria-metrics victoria-metrics
