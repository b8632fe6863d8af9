//! Raw `--emit asm` text to functions, and a function to the cleaned body a
//! dump shows: instructions and labels only, symbols shortened, labels
//! renumbered in order (`.L0`, `.L1`; other local symbols `.Ldata0`, …), so
//! that a dump changes only when the code of a dumped function changes.

use super::symbols;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

/// One function of the raw assembly: its lines between the label and
/// `.Lfunc_end`, trimmed, uncleaned.
#[derive(Debug)]
pub struct Func {
    /// The lines, raw (instructions, labels, directives, comments).
    pub lines: Vec<String>,
}

/// One line of a cleaned body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A label definition, `.L3:`.
    Label(String),
    /// An instruction, `mnemonic\toperands`.
    Insn(String),
}

/// The functions of a raw `--emit asm` file, and its symbol aliases
/// (`a = b`: LLVM's merged identical functions).
#[derive(Debug, Default)]
pub struct Asm {
    /// Functions by (mangled) symbol.
    pub funcs: BTreeMap<String, Func>,
    /// Aliases: symbol -> the symbol it stands for.
    pub aliases: BTreeMap<String, String>,
}

impl Asm {
    /// The function `name` is, following aliases.
    pub fn resolve(&self, name: &str) -> Option<&Func> {
        let mut name = name;
        let mut seen = HashSet::new();
        while !self.funcs.contains_key(name) && seen.insert(name) {
            name = self.aliases.get(name)?;
        }
        self.funcs.get(name)
    }
}

/// Parses raw `--emit asm` text.
pub fn parse(text: &str) -> Asm {
    static TYPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?m)^\s*\.type\s+([^,\s]+),\s*[@%]function").unwrap());
    static ALIAS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^([^\s:]+)\s*=\s*([^\s]+)$").unwrap());
    static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^([^\s:]+):").unwrap());
    static END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\.Lfunc_end\d+:").unwrap());
    let ftypes: HashSet<&str> = TYPE
        .captures_iter(text)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let mut asm = Asm::default();
    let mut cur: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if let Some(c) = ALIAS.captures(line) {
            asm.aliases.insert(c[1].to_string(), c[2].to_string());
            continue;
        }
        if let Some(c) = LABEL.captures(line) {
            if ftypes.contains(&c[1]) {
                asm.funcs
                    .insert(c[1].to_string(), Func { lines: Vec::new() });
                cur = Some(c[1].to_string());
                continue;
            }
        }
        let Some(name) = &cur else { continue };
        if END.is_match(line) || line.starts_with(".size") {
            cur = None;
            continue;
        }
        asm.funcs
            .get_mut(name)
            .unwrap()
            .lines
            .push(line.to_string());
    }
    asm
}

/// The cleaned body of `func`; `comment` is the target's comment leader.
pub fn clean(func: &Func, comment: &str) -> Vec<Item> {
    static LOCAL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^\w.])(\.L[\w.$]+|anon\.[0-9a-f]+\.\d+)").unwrap());
    static COMMA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*,\s*").unwrap());
    // Drop comments (x86: `#` outside operands is only ever a comment in
    // LLVM's AT&T output; aarch64 uses `//`) and directives.
    let body: Vec<&str> = func
        .lines
        .iter()
        .map(|l| l.split(comment).next().unwrap().trim())
        .filter(|l| !l.is_empty() && (!l.starts_with('.') || l.ends_with(':')))
        .collect();
    // Labels defined here, renamed in order of definition; other local
    // symbols (constants, panic messages and locations) in order of use.
    let mut local: HashMap<&str, String> = HashMap::new();
    for l in &body {
        if let Some(name) = l.strip_suffix(':') {
            let n = local.len();
            local.entry(name).or_insert_with(|| format!(".L{n}"));
        }
    }
    let mut data: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for l in &body {
        if let Some(name) = l.strip_suffix(':') {
            out.push(Item::Label(format!("{}:", local[name])));
            continue;
        }
        let line = symbols::shorten_all(l);
        let line = LOCAL.replace_all(&line, |c: &regex::Captures| {
            let tok = &c[2];
            let new = match local.get(tok) {
                Some(l) => l.clone(),
                None => {
                    let n = data.len();
                    data.entry(tok.to_string())
                        .or_insert_with(|| format!(".Ldata{n}"))
                        .clone()
                }
            };
            format!("{}{new}", &c[1])
        });
        let (mut mnem, mut rest) = split_first(&line);
        let joined;
        if mnem == "lock" {
            // `lock\t\txaddl\t...` -> `lock xaddl\t...`
            let (m, r) = split_first(rest);
            joined = format!("lock {m}");
            (mnem, rest) = (joined.as_str(), r);
        }
        let rest = COMMA.replace_all(rest, ", ");
        out.push(Item::Insn(if rest.is_empty() {
            mnem.to_string()
        } else {
            format!("{mnem}\t{rest}")
        }));
    }
    out
}

/// The first whitespace-separated word and the trimmed rest.
fn split_first(s: &str) -> (&str, &str) {
    let s = s.trim();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

/// The functions of a checked-in dump file (the format [`clean`] writes:
/// `symbol:` at the start of a line, labels `.L<n>:`, instructions indented
/// by a tab, comments and blank lines between), by symbol.
#[cfg(test)]
pub fn parse_dump(text: &str, comment: &str) -> Vec<(String, Vec<Item>)> {
    let mut out: Vec<(String, Vec<Item>)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with(comment) {
            continue;
        }
        if let Some(insn) = line.strip_prefix('\t') {
            out.last_mut()
                .expect("an instruction before any function")
                .1
                .push(Item::Insn(insn.to_string()));
        } else if line.starts_with(".L") {
            out.last_mut()
                .expect("a label before any function")
                .1
                .push(Item::Label(line.to_string()));
        } else {
            let name = line.strip_suffix(':').expect("a function label");
            out.push((name.to_string(), Vec::new()));
        }
    }
    out
}
