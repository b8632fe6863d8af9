#!/usr/bin/env python3
"""Regenerate (or --check) asm-dumps/: the assembly of every hot path.

    scripts/asm-dumps.sh            # rewrite asm-dumps/*.s and the tables
    scripts/asm-dumps.sh --check    # regenerate into a temp dir; diff -u and
                                    # the hot-path assertions; exit 1 if stale

It builds the probe crate `asm-probe/` (one `#[inline(never)]` wrapper per
encoding x backend x operation, named `frc_<Encoding>_<backend>_<op>`) with
`cargo rustc -- --emit asm` for each entry of TARGETS, cleans the output
(no directives, no `.cfi_*`, demangled symbols without hashes, labels renamed
in order of appearance), writes one file per target and backend, asserts the
hot-path properties (see `check_function`), and regenerates the instruction
count tables in asm-dumps/README.md and the `## Assembly` rows in README.md.

Backends are discovered from the probe's symbols: adding a backend is one
line in asm-probe/src/lib.rs. Adding a target is one line in TARGETS.
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DUMPS = "asm-dumps"

# THE TARGETS: (name, rustc target triple, RUSTFLAGS, what the name means).
# `kind` decides what an atomic read-modify-write looks like in the checks.
TARGETS = [
    ("x86_64", "x86_64-unknown-linux-gnu", "", "x86", "x86_64, baseline (`lock` prefix)"),
    ("aarch64-lse", "aarch64-unknown-linux-gnu", "-C target-feature=+lse", "lse",
     "aarch64 with `-C target-feature=+lse` (ARMv8.1 atomics inline: `ldadd`, `cas`)"),
    ("aarch64-outline", "aarch64-unknown-linux-gnu", "", "outline",
     "aarch64 default: rustc's outline atomics (`bl __aarch64_ldadd4_acq`, "
     "LSE or LL/SC chosen at run time)"),
    ("aarch64-llsc", "aarch64-unknown-linux-gnu", "-C target-feature=-outline-atomics", "llsc",
     "aarch64 with `-C target-feature=-outline-atomics`: "
     "ARMv8.0 LL/SC loops inline (`ldaxr`/`stxr`)"),
]

# Order of the dumps inside a file. Unknown encodings go last, by name.
ENCODINGS = ["HighBit", "LowBit", "ZeroLockedHigh", "ZeroLockedLow", "Biased", "Tagged", "Classic"]
OPS = ["try_get", "get", "put", "freeze", "unfreeze"]
# Out-of-line callees of the crate that are dumped after the wrappers (and
# counted in the tables): the cold paths.
SLOW = ["try_get_slow", "get_slow", "put_slow"]

# Backends whose RMW form does not follow the target's flags: ArmLlsc is
# LL/SC even on an +lse build. (Probe short name -> checked as this kind.)
BACKEND_KIND = {"arm_llsc": "llsc"}

WRAPPER = re.compile(r"^frc_([A-Za-z0-9]+)_(\w+?)_(try_get|get|put|freeze|unfreeze)$")


# ---------------------------------------------------------------- demangling

B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
BASIC = dict(a="i8", b="bool", c="char", d="f64", e="str", f="f32", h="u8", i="isize",
             j="usize", l="i32", m="u32", n="i128", o="u128", s="i16", t="u16",
             x="i64", y="u64", z="!", u="()", p="_", v="...")


class V0:
    """A small demangler for Rust v0 symbols (`_R...`), enough for paths,
    inherent and trait impls, generic arguments and backrefs."""

    def __init__(self, s):
        self.s, self.i = s, 0

    def peek(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def eat(self, c):
        if self.peek() == c:
            self.i += 1
            return True
        return False

    def b62(self):
        if self.eat("_"):
            return 0
        n = 0
        while not self.eat("_"):
            n = n * 62 + B62.index(self.s[self.i])
            self.i += 1
        return n + 1

    def disamb(self):
        if self.eat("s"):
            self.b62()

    def ident(self):
        self.disamb()
        self.eat("u")
        j = self.i
        while self.s[self.i].isdigit():
            self.i += 1
        n = int(self.s[j:self.i])
        self.eat("_")
        name = self.s[self.i:self.i + n]
        self.i += n
        return name

    def backref(self, f):
        pos = self.b62()
        saved, self.i = self.i, pos
        out = f()
        self.i = saved
        return out

    def path(self):
        c = self.s[self.i]
        self.i += 1
        if c == "C":
            return self.ident()
        if c == "N":
            ns = self.s[self.i]
            self.i += 1
            parent = self.path()
            name = self.ident()
            if ns.isupper():
                return f"{parent}::{{{ {'C': 'closure', 'S': 'shim'}.get(ns, ns)}}}"
            return f"{parent}::{name}"
        if c == "M":
            self.disamb()
            self.path()
            return f"<{self.type()}>"
        if c == "X":
            self.disamb()
            self.path()
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "Y":
            t = self.type()
            return f"<{t} as {self.path()}>"
        if c == "I":
            p = self.path()
            args = []
            while not self.eat("E"):
                args.append(self.generic_arg())
            args = [a for a in args if a is not None]
            return f"{p}<{', '.join(args)}>" if args else p
        if c == "B":
            return self.backref(self.path)
        raise ValueError(f"v0 path {c!r}")

    def generic_arg(self):
        if self.eat("L"):
            self.b62()
            return None
        if self.eat("K"):
            return self.const()
        return self.type()

    def const(self):
        if self.eat("B"):
            return self.backref(self.const)
        if self.eat("p"):
            return "_"
        t = self.s[self.i]
        self.i += 1
        neg = self.eat("n")
        j = self.s.index("_", self.i)
        v = int(self.s[self.i:j] or "0", 16)
        self.i = j + 1
        if t == "b":
            return "true" if v else "false"
        return f"{'-' if neg else ''}{v}"

    def type(self):
        c = self.peek()
        if c and c in BASIC:
            self.i += 1
            return BASIC[c]
        self.i += 1
        if c in "RQ":
            if self.eat("L"):
                self.b62()
            return ("&" if c == "R" else "&mut ") + self.type()
        if c in "PO":
            return ("*const " if c == "P" else "*mut ") + self.type()
        if c == "S":
            return f"[{self.type()}]"
        if c == "A":
            t = self.type()
            return f"[{t}; {self.const()}]"
        if c == "T":
            ts = []
            while not self.eat("E"):
                ts.append(self.type())
            return f"({', '.join(ts)})"
        if c == "B":
            return self.backref(self.type)
        self.i -= 1
        return self.path()


def demangle(sym):
    """`_R...` (v0) or `_ZN...E` (legacy) to a readable path without hashes."""
    try:
        if sym.startswith("_R"):
            d = V0(sym[2:])  # backrefs count from just after "_R"
            while d.peek().isdigit():  # encoding version
                d.i += 1
            return d.path()
        if sym.startswith("_ZN"):
            i, parts = 3, []
            while sym[i] != "E":
                j = i
                while sym[i].isdigit():
                    i += 1
                n = int(sym[j:i])
                parts.append(sym[i:i + n])
                i += n
            if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
                parts.pop()
            s = "::".join(parts)
            for a, b in [("$LT$", "<"), ("$GT$", ">"), ("$C$", ","), ("$u20$", " "),
                         ("$RF$", "&"), ("$BP$", "*"), ("$u5b$", "["), ("$u5d$", "]"),
                         ("$u7b$", "{"), ("$u7d$", "}"), ("$u27$", "'"), ("..", "::")]:
                s = s.replace(a, b)
            return s.replace("_$", "$")
    except (ValueError, IndexError):
        pass
    return sym


def first_generic_arg(s, name):
    """`Name<A, B<C>>` -> `Name<A>`, everywhere in `s`; bare `Name` -> `Name<default>`."""
    out, i = [], 0
    while True:
        j = s.find(name, i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        k = j + len(name)
        out.append(s[i:k])
        if k < len(s) and s[k] == "<":
            depth, m, first_end = 0, k, None
            while True:
                if s[m] == "<":
                    depth += 1
                elif s[m] == ">":
                    depth -= 1
                    if depth == 0:
                        break
                elif s[m] == "," and depth == 1 and first_end is None:
                    first_end = m
                m += 1
            out.append(s[k:first_end] + ">" if first_end else s[k:m + 1])
            i = m + 1
        else:
            out.append("<HighBit>")  # all generic arguments at their defaults
            i = k


def short(sym):
    """Readable name: demangled, crate paths dropped, the backend argument of
    `FrozenRefcount<E, B>` dropped (LLVM merges identical instantiations
    across backends, so which backend's copy survives is noise)."""
    d = demangle(sym)
    if d == sym:
        return sym
    d = re.sub(r"\bfrozen_refcount::(\w+::)*", "", d)
    d = first_generic_arg(d, "FrozenRefcount")
    d = re.sub(r"<(HighBit|LowBit|ZeroLockedHigh|ZeroLockedLow|Biased|Classic)<u32>>", r"<\1>", d)
    d = re.sub(r"^<(FrozenRefcount<[^<>]*>)>::", r"\1::", d)
    return d


# ------------------------------------------------------------------ parsing

class Func:
    def __init__(self, name):
        self.name = name
        self.lines = []  # raw lines (instructions and labels), uncleaned


def parse(asm_text):
    """Raw `--emit asm` text -> ({symbol: Func}, {alias: target})."""
    funcs, aliases, cur = {}, {}, None
    ftypes = set(re.findall(r"^\s*\.type\s+([^,\s]+),\s*[@%]function", asm_text, re.M))
    for raw in asm_text.splitlines():
        line = raw.strip()
        m = re.match(r"^([^\s:]+)\s*=\s*([^\s]+)$", line)
        if m:
            aliases[m.group(1)] = m.group(2)
            continue
        m = re.match(r"^([^\s:]+):", line)
        if m and m.group(1) in ftypes:
            cur = funcs[m.group(1)] = Func(m.group(1))
            continue
        if cur is None:
            continue
        if re.match(r"^\.Lfunc_end\d+:", line) or line.startswith(".size"):
            cur = None
            continue
        cur.lines.append(line)
    return funcs, aliases


def resolve(name, funcs, aliases):
    seen = set()
    while name not in funcs and name in aliases and name not in seen:
        seen.add(name)
        name = aliases[name]
    return funcs.get(name)


SYMBOL = re.compile(r"(?<![\w$.])(?:_R[0-9A-Za-z_]+|_ZN[0-9A-Za-z_$.]+E)")


def clean(func, comment):
    """Instructions and labels only; symbols demangled; labels renumbered.
    Returns a list of (kind, text): kind "label" or "insn"."""
    body = []
    for line in func.lines:
        # Drop comments (x86: `#` outside operands is only ever a comment in
        # LLVM's AT&T output; aarch64 uses `//`) and directives.
        if comment == "#":
            line = line.split("#", 1)[0].strip()
        else:
            line = line.split("//", 1)[0].strip()
        if not line or (line.startswith(".") and not line.endswith(":")):
            continue
        body.append(line)
    # Labels defined in this function, renamed in order of definition; other
    # local symbols (constants, panic messages and locations) in order of use.
    local = {}
    for line in body:
        if line.endswith(":"):
            local.setdefault(line[:-1], f".L{len(local)}")
    data = {}

    def rename(m):
        tok = m.group(0)
        if tok in local:
            return local[tok]
        return data.setdefault(tok, f".Ldata{len(data)}")

    out = []
    for line in body:
        if line.endswith(":"):
            out.append(("label", local[line[:-1]] + ":"))
            continue
        line = SYMBOL.sub(lambda m: short(m.group(0)), line)
        line = re.sub(r"(?<![\w.])(\.L[\w.$]+|anon\.[0-9a-f]+\.\d+)", rename, line)
        parts = line.split(None, 1)
        mnem = parts[0]
        rest = parts[1].strip() if len(parts) > 1 else ""
        if mnem == "lock":  # `lock\t\txaddl\t...` -> `lock xaddl\t...`
            sub = rest.split(None, 1)
            mnem = "lock " + sub[0]
            rest = sub[1].strip() if len(sub) > 1 else ""
        rest = re.sub(r"\s*,\s*", ", ", rest)
        out.append(("insn", f"{mnem}\t{rest}" if rest else mnem))
    return out


# --------------------------------------------------------------- analysis

LSE = re.compile(r"^((ld|st)(add|clr|eor|set|smax|smin|umax|umin)|swp|casp?)(a|l|al)?[bh]?$")
LDX = re.compile(r"^ld(a)?x(r[bh]?|p)$")
STX = re.compile(r"^st(l)?x(r[bh]?|p)$")
OUTLINE = re.compile(
    r"^bl\s+__aarch64_(cas|casp|swp|ldadd|ldclr|ldeor|ldset)\d+_(relax|acq|rel|acq_rel)$")
X86_BRANCH = re.compile(r"^j[a-z]+$")
A64_BRANCH = re.compile(r"^(b(\.[a-z]+)?|cbn?z|tbn?z)$")


def mnem(text):
    return text.split("\t", 1)[0]


def is_rmw(kind, text):
    m = mnem(text)
    if kind == "x86":
        return m.startswith("lock ") or (m.startswith("xchg") and "(" in text)
    if LSE.match(m) or LDX.match(m):
        return True
    return bool(OUTLINE.match(text.replace("\t", " ")))


def branch_target(kind, text):
    """The label or symbol a branch goes to, or None."""
    m = mnem(text)
    ops = text.split("\t", 1)[1] if "\t" in text else ""
    if kind == "x86":
        if X86_BRANCH.match(m) or m == "callq" or m == "call":
            return ops.lstrip("*").split("@", 1)[0]
        return None
    if A64_BRANCH.match(m) or m == "bl":
        return ops.split(", ")[-1]
    return None


def is_return(kind, text):
    return mnem(text) in ("ret", "retq")


def is_uncond(kind, text):
    return mnem(text) in (("jmp", "jmpq") if kind == "x86" else ("b",))


def reg(kind, r):
    """A register's full-width name: `%esi` -> `rsi`, `w19` -> `x19`."""
    r = r.strip().lstrip("%").lower()
    if kind != "x86":
        return "x" + r[1:] if re.fullmatch(r"w\d+", r) else r
    if re.fullmatch(r"e[a-z]{2}", r):
        return "r" + r[1:]
    return re.sub(r"^(r\d+)[dwb]$", r"\1", r)


def operands(text):
    return [o.strip() for o in text.split("\t", 1)[1].split(", ")] if "\t" in text else []


def mem_bases(kind, text):
    """Base registers of the instruction's memory operands (none for `lea`)."""
    if mnem(text).startswith(("lea", "adr", "prfm", "prefetch")):
        return []
    ops = text.split("\t", 1)[1] if "\t" in text else ""
    return [reg(kind, r) for r in re.findall(r"\((%\w+)|\[(\w+)", ops) for r in r if r]


def dest(kind, text):
    ops = operands(text)
    if not ops:
        return None
    # AT&T (x86, registers with `%`) writes the last operand; Intel and
    # aarch64 the first.
    d = ops[-1] if kind == "x86" and "%" in text else ops[0]
    return reg(kind, d) if re.fullmatch(r"%?\w+", d) else None


def counter_access_before_rmw(kind, fast):
    """The first instruction on the fast path that touches memory through the
    counter's address (the first argument, or a copy of it) before the RMW,
    or None. A load first would cost a second cache-line transition (shared,
    then exclusive)."""
    regs = {"rdi"} if kind == "x86" else {"x0"}
    for t in fast:
        if is_rmw(kind, t):
            return None
        if set(mem_bases(kind, t)) & regs:
            return t
        d = dest(kind, t)
        if d is None:
            continue
        ops = operands(t)
        src = ops[0] if kind == "x86" and "%" in t else (ops[1] if len(ops) > 1 else "")
        if mnem(t) in ("mov", "movq") and re.fullmatch(r"%?\w+", src) and reg(kind, src) in regs:
            regs.add(d)
        else:
            regs.discard(d)
    return None


class Shape:
    """What the checks need to know about one cleaned function."""

    def __init__(self, kind, body):
        self.kind, self.body = kind, body
        self.insns = [t for k, t in body if k == "insn"]
        pos, labels = 0, {}
        for k, t in body:
            if k == "label":
                labels[t[:-1]] = pos
            else:
                pos += 1
        self.labels = labels
        self.rmws = [t for t in self.insns if is_rmw(kind, t)]
        self.calls = [branch_target(kind, t) for t in self.insns]
        # Control flow inside the function: fall-through unless the
        # instruction returns or jumps unconditionally, plus local targets.
        succ = []
        for i, t in enumerate(self.insns):
            s = set()
            if not (is_return(kind, t) or is_uncond(kind, t)):
                s.add(i + 1)
            tgt = branch_target(kind, t)
            if tgt in labels and mnem(t) not in ("bl", "call", "callq"):
                s.add(labels[tgt])
            succ.append({j for j in s if j < len(self.insns)})

        def reaches(a, b):
            todo, seen = [a], {a}
            while todo:
                x = todo.pop()
                if x == b:
                    return True
                for y in succ[x] - seen:
                    seen.add(y)
                    todo.append(y)
            return False

        # RMWs on the worst path from the entry to an exit, back edges
        # ignored (an LL/SC retry counts once): `max_rmws`.
        best = [0] * (len(self.insns) + 1)
        for i in range(len(self.insns) - 1, -1, -1):
            fwd = [best[j] for j in succ[i] if j > i]
            best[i] = int(is_rmw(kind, self.insns[i])) + (max(fwd) if fwd else 0)
        self.max_rmws = best[0] if self.insns else 0

        # A loop: a backward branch whose target can reach the branch again
        # (a backward jump to a shared exit block is only layout). LL/SC
        # retries (the target is a load-exclusive) are kept apart.
        self.loops, self.llsc_retries = [], []
        for i, t in enumerate(self.insns):
            tgt = branch_target(kind, t)
            if (tgt in labels and labels[tgt] <= i and mnem(t) not in ("bl", "call", "callq")
                    and reaches(labels[tgt], i)):
                region = self.insns[labels[tgt]:i + 1]
                if (kind != "x86" and LDX.match(mnem(region[0]))
                        and not any(mnem(r) == "bl" for r in region)):
                    self.llsc_retries.append((labels[tgt], i))
                else:
                    self.loops.append((labels[tgt], i))
        # The fast path: from the entry along fall-through (following forward
        # unconditional jumps) to the first return or tail jump: the path the
        # compiler laid out as the likely one.
        fast, fast_idx, i, seen = [], [], 0, set()
        while i < len(self.insns) and i not in seen:
            seen.add(i)
            t = self.insns[i]
            fast.append(t)
            fast_idx.append(i)
            if is_return(kind, t):
                break
            if is_uncond(kind, t):
                tgt = branch_target(kind, t)
                if tgt in labels and labels[tgt] > i:
                    i = labels[tgt]
                    continue
                break  # a tail call
            i += 1
        self.fast, self.fast_idx = fast, fast_idx

    def after_rmw(self):
        """The fast path from the RMW to its last conditional branch (the
        tests of the result), LL/SC retry branches and branch targets dropped."""
        retry = {j for _, j in self.llsc_retries}
        seq, last = [], None
        for i, t in zip(self.fast_idx, self.fast):
            if not seq and not is_rmw(self.kind, t):
                continue
            m = mnem(t)
            if (branch_target(self.kind, t) is not None and not is_uncond(self.kind, t)
                    and m not in ("bl", "call", "callq")):
                if i in retry:
                    continue
                ops = operands(t)
                t = m + ("\t" + ", ".join(ops[:-1]) if len(ops) > 1 else "")
                last = len(seq)
            seq.append(t)
        return seq[:last + 1] if last is not None else seq

    def refers_to(self, name_part):
        return any(c and name_part in c for c in self.calls)


def check_function(target_kind, backend, enc, op, shape):
    """The hot-path assertions. Returns a list of failure messages.

    - try_get, get, put (every encoding but Classic's try_get): exactly one
      RMW on the fast path and at most one on any path through the function
      (back edges ignored), no loop other than an LL/SC retry, nothing touches
      the counter before the RMW on the fast path, and the cold path
      (`try_get_slow`, `get_slow`, `put_slow`: the failed-get reset, the last
      put's CAS) is out of line: a call or jump to it.
    - On aarch64+lse (unless the backend is LL/SC by design): no
      exclusive-monitor instruction at all in those three.
    - Classic's try_get keeps its CAS loop: a backward branch around the RMW.
    - freeze: one RMW (a CAS), no loop but an LL/SC retry; unfreeze: no RMW.
    """
    errs = []
    k = BACKEND_KIND.get(backend, target_kind)
    what = {"x86": "locked instruction", "lse": "LSE atomic instruction",
            "outline": "outline-atomic call (`bl __aarch64_*`)",
            "llsc": "load-exclusive (LL/SC RMW)"}[k]

    def fail(tag, msg):
        errs.append((tag, msg))

    def rmws(n):
        fast = [t for t in shape.fast if is_rmw(k, t)]
        plural = "s" if n != 1 else ""
        if len(fast) != n:
            fail("fast-path RMW count", f"expected exactly {n} {what}{plural} on the fast path, "
                 f"found {len(fast)}: " + "; ".join(fast))
        if shape.max_rmws > n:
            fail("two RMWs on a path", f"expected at most {n} {what}{plural} on any path, found "
                 f"a path with {shape.max_rmws} (of: " + "; ".join(shape.rmws) + ")")

    def no_loop():
        if shape.loops:
            fail("loop", "expected no loop, found a backward branch: "
                 + "; ".join(shape.insns[j] for _, j in shape.loops))

    def no_exclusive():
        ex = [t for t in shape.insns if LDX.match(mnem(t)) or STX.match(mnem(t))]
        if ex:
            fail("LL/SC on +lse",
                 "expected no exclusive-monitor (LL/SC) instruction, found: " + "; ".join(ex))

    def rmw_first():
        t = counter_access_before_rmw(k, shape.fast)
        if t:
            fail("access before the RMW", "expected the RMW to be the first access to the "
                 f"counter on the fast path, found one before it: {t}")

    def out_of_line(slow):
        if not shape.refers_to(slow):
            fail("cold path inlined", f"expected the cold path `{slow}` out of line (a call or "
                 "jump to it), found no reference to it: it was inlined")

    def sign_test():
        # Biased (after rcuref): the fast path decides on the sign of the
        # RMW's result, with no compare or mask test between. On x86 with
        # core's atomics try_get is the flag-only `lock inc`/`lock add` (no
        # `xadd`) and a sign branch; X86Asm's opaque asm must go through
        # `sets` + `test` (no asm goto on stable), so only the no-xadd part
        # holds there. On LSE the sign is `cmn`/`subs` + `b.mi`/`b.pl`.
        fast = shape.fast
        i = next((j for j, t in enumerate(fast) if is_rmw(k, t)), None)
        if i is None:
            return
        after = [mnem(t) for t in fast[i + 1:i + 4]]
        sign = {"js", "jns", "sets", "setns", "b.mi", "b.pl", "tbnz", "tbz"}
        if op == "try_get" and k == "x86" and "xadd" in fast[i]:
            fail("Biased try_get xadd", "expected a flag-only locked add (`lock inc`/`lock add`), "
                 f"found {fast[i]}")
        if op == "try_get" and k == "x86" and backend in ("core", "portable"):
            if not after or after[0] not in sign:
                fail("Biased sign test", "expected the locked add directly followed by a sign "
                     f"branch or setcc, found: {'; '.join(fast[i + 1:i + 4])}")
        elif not any(m in sign for m in after) or any(m in ("cmp", "cmpl", "test", "testl")
                                                       for m in after):
            fail("Biased sign test", "expected a sign test of the RMW's result within three "
                 f"instructions and no compare, found: {'; '.join(fast[i + 1:i + 4])}")

    classic = enc == "Classic"
    if op == "try_get" and classic:
        around = [(a, b) for a, b in shape.loops
                  if any(is_rmw(k, t) for t in shape.insns[a:b + 1])]
        if not around:
            fail("CAS loop gone",
                 f"expected Classic's CAS loop (a backward branch around a {what}), found none")
    elif op in ("try_get", "get", "put"):
        rmws(1)
        no_loop()
        rmw_first()
        if k == "lse":
            no_exclusive()
        out_of_line({"try_get": ("try_get_reread" if enc == "Biased" else "try_get_slow"), "get": "get_slow", "put": "put_slow"}[op])
        if enc == "Biased" and op in ("try_get", "put") and k in ("x86", "lse"):
            sign_test()
    elif op == "freeze":
        rmws(1)
        no_loop()
    elif op == "unfreeze":
        rmws(0)
        no_loop()
    return errs


# ----------------------------------------------------------------- driver

def run(cmd, env=None):
    r = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout)
        sys.exit(f"asm-dumps: command failed: {' '.join(cmd)}")


def build(name, triple, flags, out):
    env = dict(os.environ)
    # v0 mangling names the monomorphisations of the cold paths
    # (`FrozenRefcount<LowBit>::put_slow`); RUSTFLAGS so that every crate
    # sees the same target features.
    env["RUSTFLAGS"] = f"-C symbol-mangling-version=v0 {flags}".strip()
    env.pop("CARGO_ENCODED_RUSTFLAGS", None)
    run(["cargo", "rustc", "--quiet", "-p", "asm-probe", "--lib", "--release",
         "--target", triple, "--target-dir", os.path.join(ROOT, "target", "asm", name),
         "--", "--emit", f"asm={out}", "-C", "codegen-units=1"], env)


def order_key(enc):
    return (ENCODINGS.index(enc) if enc in ENCODINGS else len(ENCODINGS), enc)


def generate(outdir):
    """Write every dump into outdir; return (tables, failures)."""
    rustc = subprocess.run(["rustc", "--version"], cwd=ROOT, stdout=subprocess.PIPE,
                           text=True).stdout.strip()
    tables, failures = {}, []
    tmp = tempfile.mkdtemp(prefix="asm-raw-")
    try:
        for name, triple, flags, kind, desc in TARGETS:
            raw = os.path.join(tmp, f"{name}.s")
            build(name, triple, flags, raw)
            with open(raw) as f:
                funcs, aliases = parse(f.read())
            comment = "#" if kind == "x86" else "//"
            probes = {}  # backend -> enc -> op -> symbol
            for sym in set(funcs) | set(aliases):
                m = WRAPPER.match(sym)
                if m:
                    probes.setdefault(m.group(2), {}).setdefault(m.group(1), {})[m.group(3)] = sym
            if not probes:
                sys.exit(f"asm-dumps: no frc_* symbols in the {name} build")
            for backend in sorted(probes, key=backend_key):
                out, counts = [], {}
                out.append(f"{comment} {name}, backend `{backend}`: {desc}.")
                out.append(f"{comment} {rustc}; --target {triple}"
                           + (f" {flags}" if flags else "") + "; --release, codegen-units=1.")
                out.append(f"{comment} Generated by scripts/asm-dumps.sh from asm-probe/: "
                           "do not edit.")
                out.append(f"{comment} Labels are renumbered per function; symbols demangled, "
                           "hashes dropped.")
                for enc in sorted(probes[backend], key=order_key):
                    out.append("")
                    out.append(f"{comment} ==== {enc} ====")
                    callees = []
                    for op in OPS:
                        sym = probes[backend][enc].get(op)
                        f = sym and resolve(sym, funcs, aliases)
                        if not f:
                            continue
                        body = clean(f, comment)
                        shape = Shape(kind, body)
                        counts[(enc, op)] = shape
                        for e in check_function(kind, backend, enc, op, shape):
                            failures.append((f"{name}-{backend}", sym, e, body))
                        out.append("")
                        out.append(f"{sym}:")
                        out.extend(t if k == "label" else "\t" + t for k, t in body)
                        for line in f.lines:
                            for s in SYMBOL.findall(line):
                                slow = short(s).rsplit("::", 1)[-1]
                                if slow in SLOW and s not in [c for c, _ in callees]:
                                    callees.append((s, slow))
                    for s, slow in sorted(callees, key=lambda c: SLOW.index(c[1])):
                        f = resolve(s, funcs, aliases)
                        if not f:
                            continue
                        body = clean(f, comment)
                        counts[(enc, slow)] = Shape(kind, body)
                        out.append("")
                        out.append(f"{comment} out of line, called above:")
                        out.append(f"{short(s)}:")
                        out.extend(t if k == "label" else "\t" + t for k, t in body)
                with open(os.path.join(outdir, f"{name}-{backend}.s"), "w") as fh:
                    fh.write("\n".join(out) + "\n")
                tables[(name, backend)] = counts
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tables, failures


def backend_key(b):
    """`core` first, then `portable`, then the rest by name."""
    return ({"core": 0, "portable": 1}.get(b, 2), b)


def cell(s):
    """`fast / total (n rmw[ loop])` for one function: n is the RMWs on the
    worst path (alternatives count once, loop iterations once)."""
    return f"{len(s.fast)} / {len(s.insns)} ({s.max_rmws} rmw{' loop' if s.loops else ''})"


def render_tables(tables):
    """Markdown: per target, one table per group of backends with identical code."""
    lines = []
    for name, triple, flags, kind, desc in TARGETS:
        backends = sorted((b for (n, b) in tables if n == name), key=backend_key)
        groups = []  # [(backends, counts)]
        for b in backends:
            c = tables[(name, b)]
            sig = {k: v.insns for k, v in c.items()}
            for g in groups:
                if {k: v.insns for k, v in g[1].items()} == sig:
                    g[0].append(b)
                    break
            else:
                groups.append(([b], c))
        lines.append(f"### {name}")
        lines.append("")
        lines.append(f"{desc}.")
        for bs, counts in groups:
            encs = sorted({e for e, _ in counts}, key=order_key)
            lines.append("")
            lines.append(f"Backend{'s' if len(bs) > 1 else ''} "
                         + ", ".join(f"`{b}`" for b in bs)
                         + (" (identical code)" if len(bs) > 1 else "")
                         + f": `asm-dumps/{name}-{bs[0]}.s`.")
            lines.append("")
            lines.append("| op | " + " | ".join(encs) + " |")
            lines.append("| --- |" + " --- |" * len(encs))
            for op in OPS + SLOW:
                cells = []
                for e in encs:
                    s = counts.get((e, op))
                    if s is None:
                        cells.append("—")
                        continue
                    cells.append(cell(s))
                if any(c != "—" for c in cells):
                    lines.append(f"| {op} | " + " | ".join(cells) + " |")
            lines.append("")
            lines.append("The RMW and the test of its result (fast path, through its last "
                         "conditional branch; LL/SC retry branches left out):")
            lines.append("")
            lines.append("| encoding | try_get | put |")
            lines.append("| --- | --- | --- |")
            for e in encs:
                cells = []
                for op in ("try_get", "put"):
                    sh = counts.get((e, op))
                    seq = sh.after_rmw() if sh else []
                    cells.append("; ".join(f"`{t.replace(chr(9), ' ')}`" for t in seq) or "—")
                lines.append(f"| {e} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def try_get_rows(tables):
    """README.md: the try_get row of every target, one row per group of
    backends whose try_get code is identical."""
    lines = ["| target | backend | " + " | ".join(ENCODINGS) + " |",
             "| --- | --- |" + " --- |" * len(ENCODINGS)]
    for name, *_ in TARGETS:
        groups = []  # [(backends, counts)]
        for b in sorted((b for (n, b) in tables if n == name), key=backend_key):
            c = tables[(name, b)]
            sig = [c[(e, "try_get")].insns if (e, "try_get") in c else None for e in ENCODINGS]
            for g in groups:
                if g[2] == sig:
                    g[0].append(b)
                    break
            else:
                groups.append(([b], c, sig))
        for bs, c, _ in groups:
            cells = [cell(c[(e, "try_get")]) if (e, "try_get") in c else "—" for e in ENCODINGS]
            lines.append(f"| {name} | {', '.join(bs)} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- BEGIN GENERATED by scripts/asm-dumps.sh -->", "<!-- END GENERATED -->"


def splice(text, block):
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < 0:
        sys.exit(f"asm-dumps: markers {BEGIN} ... {END} not found")
    return text[:a + len(BEGIN)] + "\n" + block + text[b:]


SELF_TESTS = [
    # (target kind, backend, encoding, op, raw body, expected failure tags)
    ("x86", "core", "HighBit", "try_get", """
        movl $1, %esi
        lock xaddl %esi, (%rdi)
        incl %esi
        cmpl $1073741824, %esi
        jae .LBB0_2
        movb $1, %al
        retq
    .LBB0_2:
        jmpq *_RNvNtCs1_15frozen_refcount6frozen12try_get_slow@GOTPCREL(%rip)
    """, set()),
    ("x86", "core", "HighBit", "try_get", """
        movl (%rdi), %eax
        movq %rdi, %rbx
        lock xaddl %esi, (%rbx)
        jae .LBB0_2
        retq
    .LBB0_2:
        lock cmpxchgl %ecx, (%rbx)
        retq
    """, {"access before the RMW", "two RMWs on a path", "cold path inlined"}),
    ("x86", "core", "LowBit", "put", """
    .LBB0_1:
        lock xaddl %esi, (%rdi)
        jne .LBB0_1
        jmp put_slow
    """, {"loop"}),
    ("x86", "core", "HighBit", "get", """
        testl %esi, %esi
        js .LBB0_1
    .LBB0_2:
        lock xaddl %esi, (%rdi)
        retq
    .LBB0_1:
        movl %esi, (%rsp)
        jmp .LBB0_2
    """, {"cold path inlined"}),  # a backward jump that is no loop
    ("x86", "core", "Classic", "try_get", """
        lock xaddl %esi, (%rdi)
        retq
    """, {"CAS loop gone"}),
    ("lse", "core", "HighBit", "try_get", """
    .LBB0_1:
        ldaxr w8, [x0]
        add w1, w8, #1
        stxr w9, w1, [x0]
        cbnz w9, .LBB0_1
        cbnz w8, .LBB0_2
        ret
    .LBB0_2:
        b try_get_slow
    """, {"LL/SC on +lse"}),
    ("lse", "arm_llsc", "HighBit", "try_get", """
    .LBB0_1:
        ldaxr w8, [x0]
        add w1, w8, #1
        stxr w9, w1, [x0]
        cbnz w9, .LBB0_1
        cbnz w8, .LBB0_2
        ret
    .LBB0_2:
        b try_get_slow
    """, set()),
    ("outline", "arm_detect", "HighBit", "put", """
        adrp x8, STATE
        ldrb w8, [x8, :lo12:STATE]
        cmp w8, #2
        b.ne .LBB0_2
        ldaddl w9, w1, [x0]
        b .LBB0_4
    .LBB0_2:
        ldxr w1, [x0]
        sub w2, w1, #1
        stlxr w8, w2, [x0]
        cbnz w8, .LBB0_2
    .LBB0_4:
        cbnz w1, .LBB0_5
        ret
    .LBB0_5:
        b put_slow
    """, set()),  # run-time detection: one RMW on each path, a flag load is fine
]


def self_test():
    """The checker catches what it should (and nothing else) on small bodies."""
    bad = 0
    for n, (kind, backend, enc, op, raw, want) in enumerate(SELF_TESTS):
        f = Func("t")
        f.lines = [ln.strip() for ln in raw.strip().splitlines()]
        shape = Shape(BACKEND_KIND.get(backend, kind), clean(f, "#" if kind == "x86" else "//"))
        got = {tag for tag, _ in check_function(kind, backend, enc, op, shape)}
        if got != want:
            bad += 1
            print(f"self-test {n} ({kind} {backend} {enc} {op}): expected {sorted(want)}, "
                  f"got {sorted(got)}")
    if bad:
        sys.exit(f"asm-dumps: {bad} self-test(s) failed")
    print(f"asm-dumps: {len(SELF_TESTS)} checker self-tests pass")


def main():
    if "--self-test" in sys.argv[1:]:
        return self_test()
    check = "--check" in sys.argv[1:]
    outdir = tempfile.mkdtemp(prefix="asm-dumps-")
    try:
        tables, failures = generate(outdir)
        for doc, block in [(os.path.join(DUMPS, "README.md"), render_tables(tables)),
                           ("docs/assembly.md", try_get_rows(tables))]:
            with open(os.path.join(ROOT, doc)) as f:
                text = f.read()
            target = os.path.join(outdir, doc.replace("/", "__"))
            with open(target, "w") as f:
                f.write(splice(text, block))
        fresh = sorted(os.listdir(outdir))
        stale = []
        for fn in fresh:
            rel = fn.replace("__", "/")
            rel = rel if "/" in rel or not fn.endswith(".s") else os.path.join(DUMPS, fn)
            old_path = os.path.join(ROOT, rel)
            with open(os.path.join(outdir, fn)) as f:
                new = f.read()
            old = open(old_path).read() if os.path.exists(old_path) else ""
            if old != new:
                stale.append(rel)
                if check:
                    sys.stdout.writelines(difflib.unified_diff(
                        old.splitlines(True), new.splitlines(True),
                        f"a/{rel} (checked in)", f"b/{rel} (regenerated)"))
                else:
                    with open(old_path, "w") as f:
                        f.write(new)
        wanted = {fn for fn in fresh if fn.endswith(".s")}
        for fn in sorted(os.listdir(os.path.join(ROOT, DUMPS))):
            if fn.endswith(".s") and fn not in wanted:
                stale.append(os.path.join(DUMPS, fn))
                if check:
                    print(f"--- a/{DUMPS}/{fn}: checked in, but no longer generated")
                else:
                    os.remove(os.path.join(ROOT, DUMPS, fn))
        grouped = {}
        for where, sym, err, body in failures:
            grouped.setdefault((where, sym), (body, []))[1].append(err)
        for (where, sym), (body, errs) in grouped.items():
            print(f"\nHOT-PATH ASSERTION FAILED: {where}, {sym}")
            for err in errs:
                print(f"  - {err[1]}")
            print("  the function:")
            for k, t in body:
                print(("    " if k == "label" else "        ") + t)
        if check and stale:
            print(f"\nasm-dumps: {len(stale)} file(s) stale: {', '.join(stale)}\n"
                  "  regenerate with: scripts/asm-dumps.sh   (and review the diff above)")
        if failures:
            print(f"\nasm-dumps: {len(failures)} hot-path assertion(s) failed in "
                  f"{len(grouped)} function(s):")
            for (where, sym), (_, errs) in grouped.items():
                print(f"  {where:<28} {sym}: " + ", ".join(e[0] for e in errs))
        if (check and stale) or failures:
            sys.exit(1)
        n = len(wanted)
        print(f"asm-dumps: {n} dump files {'up to date' if check else 'written'}"
              + (f" ({len(stale)} changed)" if stale and not check else "")
              + ", all hot-path assertions hold.")
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    main()
