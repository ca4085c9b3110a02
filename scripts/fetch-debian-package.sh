#!/usr/bin/env bash
# Fetch one Debian package into a private cache and print the path of one of its binaries.
#
#   scripts/fetch-debian-package.sh <suite> <package> [<binary-name>]
#
# Never touches the system's apt state: it writes its own sources list, lists dir, apt cache and an
# isolated apt config (APT_CONFIG) under the cache dir, then `apt-get download`s the .deb and
# extracts it with `dpkg-deb -x` (no install, no maintainer scripts, no dependencies).
#
# Cache dir: ${OTLP2PRW_CACHE:-<project>/.cache}/debian/<suite>
#   sources.list, apt.conf, lists/, apt/   private apt state
#   <package>_*.deb                        the downloaded package
#   <package>-root/                        the extracted tree
# A second run finds <package>-root/.../<binary> and only prints its path (no network).
#
# The mirror URI comes from the `URIs:` line of /etc/apt/sources.list.d/debian.sources
# (override with DEBIAN_MIRROR). Packages are fetched with [trusted=yes]: the file only ever runs
# inside test harnesses, never installed system-wide.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 <suite> <package> [<binary-name>]" >&2
  exit 2
fi
suite=$1
package=$2
binary=${3:-$package}

project_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache_root=${OTLP2PRW_CACHE:-$project_dir/.cache}
cache=$cache_root/debian/$suite
root=$cache/$package-root

log() { echo "fetch-debian-package: $*" >&2; }

find_binary() {
  local d
  for d in usr/bin usr/sbin bin sbin usr/local/bin; do
    if [[ -x $root/$d/$binary && ! -d $root/$d/$binary ]]; then
      echo "$root/$d/$binary"
      return 0
    fi
  done
  return 1
}

# Fast path: already extracted.
if path=$(find_binary); then
  echo "$path"
  exit 0
fi

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
root=$cache/$package-root

# Serialise concurrent runs on the same suite (parallel test workers, CI).
exec 9>"$cache/.lock"
flock 9
if path=$(find_binary); then
  echo "$path"
  exit 0
fi

mirror=${DEBIAN_MIRROR:-}
if [[ -z $mirror ]]; then
  sources=/etc/apt/sources.list.d/debian.sources
  if [[ -r $sources ]]; then
    mirror=$(awk '$1 == "URIs:" { print $2; exit }' "$sources")
  fi
fi
if [[ -z $mirror ]]; then
  mirror=http://deb.debian.org/debian
  log "no URIs: line found in /etc/apt/sources.list.d/debian.sources; using $mirror"
fi

mkdir -p "$cache/lists/partial" "$cache/apt/archives/partial" "$cache/etc/parts" \
  "$cache/etc/sources.list.d" "$cache/etc/preferences.d" "$cache/etc/trusted.gpg.d"
# trusted=yes: the suite may be signed by keys newer than this system's keyring. When the keyring
# is there apt still checks the signature and only warns if it cannot.
opts="trusted=yes"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [[ -r $keyring ]]; then
  opts+=" signed-by=$keyring"
fi
echo "deb [$opts] $mirror $suite main" >"$cache/sources.list"
: >"$cache/status"

# An apt config read before anything else (APT_CONFIG): it points the config parts dir and the main
# config file away from /etc/apt, so no system hook (Post-Invoke etc.) or pinning applies to us.
cat >"$cache/apt.conf" <<EOF
Dir::Etc::parts "$cache/etc/parts";
Dir::Etc::main "/dev/null";
EOF

apt_opts=(
  -o "Dir::Etc::sourcelist=$cache/sources.list"
  -o "Dir::Etc::sourceparts=$cache/etc/sources.list.d"
  -o "Dir::Etc::preferences=/dev/null"
  -o "Dir::Etc::preferencesparts=$cache/etc/preferences.d"
  -o "Dir::Etc::trustedparts=$cache/etc/trusted.gpg.d"
  -o "Dir::State::Lists=$cache/lists"
  -o "Dir::State::status=$cache/status"
  -o "Dir::Cache=$cache/apt"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "Debug::NoLocking=1"
  -o "Acquire::Languages=none"
  -o "Acquire::Check-Valid-Until=false"
  -o "Acquire::Check-Date=false"
  -o "APT::Get::List-Cleanup=false"
)
if [[ $(id -u) -eq 0 ]]; then
  # Root would hand downloads to the _apt user, who cannot write into the project's cache dir.
  apt_opts+=(-o "APT::Sandbox::User=root")
fi

export APT_CONFIG=$cache/apt.conf
start=$SECONDS
log "apt-get update ($suite from $mirror) into $cache"
apt-get -q "${apt_opts[@]}" --error-on=any update >&2

log "apt-get download $package"
rm -f "$cache/${package}"_*.deb
(cd "$cache" && apt-get -q "${apt_opts[@]}" download "$package" >&2)
deb=$(ls -t "$cache/${package}"_*.deb 2>/dev/null | head -n 1 || true)
if [[ -z $deb ]]; then
  log "no .deb for $package was downloaded"
  exit 1
fi

tmp_root=$(mktemp -d "$cache/.extract.XXXXXX")
dpkg-deb -x "$deb" "$tmp_root"
rm -rf "$root"
mv "$tmp_root" "$root"
log "extracted $(basename "$deb") in $((SECONDS - start))s"

if path=$(find_binary); then
  echo "$path"
else
  log "package $package has no binary named $binary"
  exit 1
fi
