//! Symbols in the raw assembly: finding them, and the short readable name a
//! dump shows for one (demangled by `rustc-demangle`, hashes and crate paths
//! dropped, `FrozenRefcount`'s backend argument dropped).

use regex::Regex;
use std::sync::LazyLock;

/// A mangled Rust symbol (`_R…` v0, `_ZN…E` legacy) starting at byte `i` of
/// `line`, as `i..end`; none unless the byte before `i` ends no other token.
fn symbol_at(line: &str, i: usize) -> Option<usize> {
    let b = line.as_bytes();
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'$' | b'.')) {
        return None;
    }
    let rest = &b[i..];
    let run = |from: usize, extra: &[u8]| {
        rest[from..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == &b'_' || extra.contains(c))
            .count()
    };
    if rest.starts_with(b"_R") {
        let n = run(2, b"");
        return (n > 0).then_some(i + 2 + n);
    }
    if rest.starts_with(b"_ZN") {
        // `_ZN[0-9A-Za-z_$.]+E`: up to the run's last `E` (after one char).
        let n = run(3, b"$.");
        let last_e = rest[4..3 + n].iter().rposition(|c| *c == b'E')?;
        return Some(i + 4 + last_e + 1);
    }
    None
}

/// The byte ranges of every mangled symbol in `line`, left to right.
pub fn find(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        match symbol_at(line, i) {
            Some(end) => {
                out.push((i, end));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// `line` with every mangled symbol replaced by its [`short`] name.
pub fn shorten_all(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for (a, b) in find(line) {
        out.push_str(&line[at..a]);
        out.push_str(&short(&line[a..b]));
        at = b;
    }
    out.push_str(&line[at..]);
    out
}

/// A mangled symbol demangled without hashes; unchanged if it is not one.
pub fn demangle(sym: &str) -> String {
    static CLOSURE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\{(closure|shim)[^{}]*\}").unwrap());
    match rustc_demangle::try_demangle(sym) {
        // `{closure#0}` -> `{closure}`: which closure is numbering noise.
        Ok(d) => CLOSURE.replace_all(&format!("{d:#}"), "{$1}").into_owned(),
        Err(_) => sym.to_string(),
    }
}

/// The readable name of a symbol: demangled, crate paths dropped, and the
/// backend argument of `FrozenRefcount<E, B>` dropped (LLVM merges identical
/// instantiations across backends, so which backend's copy survives is noise).
pub fn short(sym: &str) -> String {
    static CRATE_PATH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\bfrozen_refcount::(\w+::)*").unwrap());
    static WORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<(HighBit|LowBit|ZeroLockedHigh|ZeroLockedLow|Biased|Classic)<u32>>").unwrap()
    });
    static IMPL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^<(FrozenRefcount<[^<>]*>)>::").unwrap());
    let d = demangle(sym);
    if d == sym {
        return d;
    }
    let d = CRATE_PATH.replace_all(&d, "");
    let d = first_generic_arg(&d, "FrozenRefcount");
    let d = WORD.replace_all(&d, "<$1>");
    IMPL.replace(&d, "$1::").into_owned()
}

/// `Name<A, B<C>>` -> `Name<A>` everywhere in `s`; a bare `Name` (all its
/// generic arguments at their defaults) -> `Name<HighBit>`.
pub fn first_generic_arg(s: &str, name: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while let Some(j) = s[i..].find(name).map(|j| i + j) {
        let k = j + name.len();
        out.push_str(&s[i..k]);
        if b.get(k) == Some(&b'<') {
            let (mut depth, mut m, mut first_end) = (0, k, None);
            loop {
                match b[m] {
                    b'<' => depth += 1,
                    b'>' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b',' if depth == 1 && first_end.is_none() => first_end = Some(m),
                    _ => {}
                }
                m += 1;
            }
            match first_end {
                Some(e) => {
                    out.push_str(&s[k..e]);
                    out.push('>');
                }
                None => out.push_str(&s[k..=m]),
            }
            i = m + 1;
        } else {
            out.push_str("<HighBit>");
            i = k;
        }
    }
    out.push_str(&s[i..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_symbols_but_not_inside_other_tokens() {
        let line = "call _ZN4core9panicking9panic_fmt17h0123456789abcdefE@PLT; x_Rabc .L_Rx";
        let got: Vec<_> = find(line).into_iter().map(|(a, b)| &line[a..b]).collect();
        assert_eq!(got, ["_ZN4core9panicking9panic_fmt17h0123456789abcdefE"]);
    }

    #[test]
    fn legacy_symbols_lose_their_hash() {
        assert_eq!(
            short("_ZN4core9panicking9panic_fmt17h0123456789abcdefE"),
            "core::panicking::panic_fmt"
        );
    }

    #[test]
    fn first_generic_arg_keeps_only_the_encoding() {
        assert_eq!(
            first_generic_arg(
                "<FrozenRefcount<Tagged, CoreAtomics>>::put_slow",
                "FrozenRefcount"
            ),
            "<FrozenRefcount<Tagged>>::put_slow"
        );
        assert_eq!(
            first_generic_arg("FrozenRefcount::new", "FrozenRefcount"),
            "FrozenRefcount<HighBit>::new"
        );
    }
}
