#!/usr/bin/env bash
# The tail of `npm start`: runs two containers on the berthd that scripts/setup.sh
# started and shows their output.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -f $repo/dist/berth.js ]]; then
  berth=(node "$repo/dist/berth.js")
elif command -v berth >/dev/null; then
  berth=(berth)
else
  echo "hello: no berth client; run scripts/setup.sh first" >&2
  exit 1
fi

status=0
run() {
  local shown=() a
  for a in "$@"; do [[ $a == *' '* ]] && shown+=("\"$a\"") || shown+=("$a"); done
  echo "\$ berth ${shown[*]}"
  if ! "${berth[@]}" "$@"; then
    echo "hello: 'berth $*' failed" >&2
    status=1
  fi
  echo
}

run run --rm busybox echo "hello from a berth container"
run run --rm hello-world
exit "$status"
