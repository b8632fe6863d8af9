#!/usr/bin/env bash
# The two published crates as a dependent gets them: their docs with
# -D warnings (what docs.rs builds, and default features), their packages
# (only the crate's own files; nothing that points out of the package; none
# of the residue of how the crate was made), and `cargo publish --dry-run`
# of both together (frozen-slab verified against the packaged
# frozen-refcount, not the path). Then every relative link in the
# repository's markdown resolves.
source "$(dirname "$0")/../lib.sh"
ensure_target aarch64-unknown-linux-gnu
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
export RUSTDOCFLAGS=-Dwarnings
for p in frozen-refcount frozen-slab; do
  cargo doc --no-deps -p $p
  cargo doc --no-deps -p $p --all-features
  RUSTDOCFLAGS="-Dwarnings --cfg docsrs" cargo +nightly doc --no-deps -p $p --all-features \
    --target-dir target/docsrs
done
cargo doc --no-deps -p frozen-refcount --all-features --target aarch64-unknown-linux-gnu

bad=0
for p in frozen-refcount frozen-slab; do
  list=$(cargo package --list --allow-dirty -p $p 2>/dev/null)
  echo "--- $p: $(wc -l <<<"$list") files in the package"
  for f in src/lib.rs LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md Cargo.toml; do
    grep -qx "$f" <<<"$list" || { echo "$p: package is missing $f"; bad=1; }
  done
  # Only the crate's own files: its source and the files at its top.
  if grep -vE '^(src/.*|README\.md|CHANGELOG\.md|LICENSE-(MIT|APACHE)|Cargo\.toml(\.orig)?|Cargo\.lock|\.cargo_vcs_info\.json)$' <<<"$list"; then
    echo "$p: the package ships files that are not the crate's (above)"; bad=1
  fi
  dir=$(cargo metadata --no-deps --format-version 1 | sed -n "s|.*\"manifest_path\":\"\\([^\"]*/$p\\)/Cargo.toml\".*|\\1|p" | head -n 1)
  [ -n "$dir" ] || dir=$p
  files=()
  while IFS= read -r f; do
    case "$f" in *.rs|*.md) files+=("$dir/$f") ;; esac
  done <<<"$list"
  # Nothing points out of the package: no relative markdown link leaves it,
  # and no doc or message names a repository path.
  if grep -nE '\]\((\.\./|docs/|/)' "${files[@]}" \
     || grep -nE '(^|[ `(])(\.\./)+docs/|(^|[ `(])docs/[a-z-]+\.md|asm-dumps/' "${files[@]}"; then
    echo "$p: the package points to files it does not hold (above)"; bad=1
  fi
  # No residue: a spec, an issue number, a seed file or the date of a run.
  if grep -nE 'SPEC\.md|\bspec\b|[Ii]ssue #?[0-9]|\bseed [0-9]{3}\b|20[0-9]{2}-[01][0-9]-[0-3][0-9]|[0-9]{2}:[0-9]{2} UTC' "${files[@]}"; then
    echo "$p: the package names a spec, an issue, a seed or a run's date (above)"; bad=1
  fi
done
[ "$bad" = 0 ]
# Cargo unpacks the packaged frozen-refcount from its temporary registry into
# $CARGO_HOME/registry/src/ once per name and version and reuses that copy,
# and its build of it is keyed by name and version too: start both afresh
# (an own target dir), so that frozen-slab is verified against this tree.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/frozen-refcount-* target/publish
CARGO_TARGET_DIR=target/publish cargo publish --dry-run --allow-dirty -p frozen-refcount -p frozen-slab

# Every relative link in the repository's markdown resolves.
for md in $(git ls-files '*.md' | grep -v '^fuzz/corpus/'); do
  while IFS= read -r link; do
    case "$link" in http*|\#*|mailto:*) continue ;; esac
    [ -e "$(dirname "$md")/${link%%#*}" ] || { echo "$md: broken link $link"; bad=1; }
  done < <(grep -o '](\([^)]*\))' "$md" | sed 's/^](//; s/)$//')
done
[ "$bad" = 0 ]
