#!/usr/bin/env bash
# Docs with -D warnings four ways (what docs.rs builds, and what a user
# with default features reads), then the package: what it holds, and that it
# builds as a dependent gets it (`cargo publish --dry-run`).
source "$(dirname "$0")/../lib.sh"
ensure_target aarch64-unknown-linux-gnu
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
export RUSTDOCFLAGS=-Dwarnings
cargo doc --no-deps -p frozen-refcount
cargo doc --no-deps -p frozen-refcount --all-features
RUSTDOCFLAGS="-Dwarnings --cfg docsrs" cargo +nightly doc --no-deps -p frozen-refcount --all-features \
  --target-dir target/docsrs
cargo doc --no-deps -p frozen-refcount --all-features --target aarch64-unknown-linux-gnu

# The package holds what a dependent builds and reads, nothing of CI or tooling.
list=$(cargo package --list --allow-dirty -p frozen-refcount 2>/dev/null)
for f in src/lib.rs src/frozen.rs LICENSE-MIT LICENSE-APACHE README.md; do
  grep -qx "$f" <<<"$list" || { echo "package is missing $f"; exit 1; }
done
if grep -E '^(\.ci|\.cargo|scripts|xtask|tools|fuzz|tests|benches)/' <<<"$list"; then
  echo "package ships files a dependent does not need (above)"; exit 1
fi
cargo publish --dry-run --allow-dirty -p frozen-refcount

# Every relative link in the README and docs/ resolves.
bad=0
for md in README.md docs/*.md demo/page-alloc/README.md asm-dumps/README.md frozen-refcount/src/backends/README.md xtask/README.md frozen-slab/README.md; do
  while IFS= read -r link; do
    case "$link" in http*|\#*) continue ;; esac
    [ -e "$(dirname "$md")/${link%%#*}" ] || { echo "$md: broken link $link"; bad=1; }
  done < <(grep -o '](\([^)]*\))' "$md" | sed 's/^](//; s/)$//')
done
[ "$bad" = 0 ]
