# Helpers sourced by the stages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The pinned toolchain (rust-toolchain.toml) plus a target or component.
ensure_target() { rustup target add "$@" >/dev/null 2>&1 || rustup target add "$@"; }
ensure_nightly_component() { rustup component add --toolchain nightly "$@" >/dev/null 2>&1 || rustup component add --toolchain nightly "$@"; }

# Installs only: `--no-remove` makes apt fail rather than remove an installed
# package to resolve a conflict (e.g. qemu-system-arm 7.2 against a newer
# qemu-utils from backports, which apt -y would silently remove).
APT_UPDATED=${APT_UPDATED:-}
ensure_apt() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-remove "${missing[@]}" >/dev/null
}

ensure_cargo_tool() { # ensure_cargo_tool <binary> <crate> [cargo install args…]
  local bin=$1 crate=$2; shift 2
  command -v "$bin" >/dev/null 2>&1 || cargo install --locked "$crate" "$@"
}
