//! What the checks and tables need to know about one cleaned function: its
//! instructions, control flow, RMWs on the worst path, loops (LL/SC retries
//! kept apart), and the fast path the compiler laid out as the likely one.

use super::isa::{self, branch_target, is_call, is_return, is_rmw, is_uncond, mnem};
use super::parse::Item;
use super::targets::Kind;
use std::collections::{HashMap, HashSet};

/// One analysed function.
#[derive(Debug, Clone)]
pub struct Shape {
    /// What an RMW looks like here.
    pub kind: Kind,
    /// The instructions, labels left out.
    pub insns: Vec<String>,
    /// The RMWs, in order.
    pub rmws: Vec<String>,
    /// Each instruction's branch or call target, if any.
    pub calls: Vec<Option<String>>,
    /// RMWs on the worst path from the entry to an exit, back edges ignored
    /// (an LL/SC retry counts once).
    pub max_rmws: usize,
    /// Loops: (first, last) instruction of a backward branch's region.
    pub loops: Vec<(usize, usize)>,
    /// LL/SC retries: a backward branch to a load-exclusive, no call inside.
    pub llsc_retries: Vec<(usize, usize)>,
    /// The fast path: from the entry along fall-through (following forward
    /// unconditional jumps) to the first return or tail jump.
    pub fast: Vec<String>,
    /// The fast path's instruction indices.
    pub fast_idx: Vec<usize>,
}

impl Shape {
    /// Analyses a cleaned body.
    pub fn new(kind: Kind, body: &[Item]) -> Shape {
        let mut insns = Vec::new();
        let mut labels: HashMap<String, usize> = HashMap::new();
        for item in body {
            match item {
                Item::Label(l) => {
                    labels.insert(l.trim_end_matches(':').to_string(), insns.len());
                }
                Item::Insn(t) => insns.push(t.clone()),
            }
        }
        let n = insns.len();
        let rmws = insns.iter().filter(|t| is_rmw(kind, t)).cloned().collect();
        let calls: Vec<_> = insns.iter().map(|t| branch_target(kind, t)).collect();
        let local = |i: usize| -> Option<usize> {
            if is_call(mnem(&insns[i])) {
                return None;
            }
            calls[i].as_ref().and_then(|t| labels.get(t).copied())
        };
        // Control flow: fall-through unless the instruction returns or jumps
        // unconditionally, plus local branch targets.
        let succ: Vec<HashSet<usize>> = (0..n)
            .map(|i| {
                let t = &insns[i];
                let mut s = HashSet::new();
                if !(is_return(t) || is_uncond(kind, t)) {
                    s.insert(i + 1);
                }
                s.extend(local(i));
                s.retain(|&j| j < n);
                s
            })
            .collect();
        let reaches = |a: usize, b: usize| {
            let (mut todo, mut seen) = (vec![a], HashSet::from([a]));
            while let Some(x) = todo.pop() {
                if x == b {
                    return true;
                }
                for &y in &succ[x] {
                    if seen.insert(y) {
                        todo.push(y);
                    }
                }
            }
            false
        };
        let mut best = vec![0; n + 1];
        for i in (0..n).rev() {
            let fwd = succ[i].iter().filter(|&&j| j > i).map(|&j| best[j]).max();
            best[i] = usize::from(is_rmw(kind, &insns[i])) + fwd.unwrap_or(0);
        }
        // A loop: a backward branch whose target can reach the branch again
        // (a backward jump to a shared exit block is only layout).
        let (mut loops, mut llsc_retries) = (Vec::new(), Vec::new());
        for i in 0..n {
            let Some(t) = local(i) else { continue };
            if t <= i && reaches(t, i) {
                let region = &insns[t..=i];
                if kind != Kind::X86
                    && isa::LDX.is_match(mnem(&region[0]))
                    && !region.iter().any(|r| mnem(r) == "bl")
                {
                    llsc_retries.push((t, i));
                } else {
                    loops.push((t, i));
                }
            }
        }
        let (mut fast, mut fast_idx, mut seen, mut i) = (Vec::new(), Vec::new(), HashSet::new(), 0);
        while i < n && seen.insert(i) {
            let t = &insns[i];
            fast.push(t.clone());
            fast_idx.push(i);
            if is_return(t) {
                break;
            }
            if is_uncond(kind, t) {
                match calls[i].as_ref().and_then(|c| labels.get(c)) {
                    Some(&j) if j > i => {
                        i = j;
                        continue;
                    }
                    _ => break, // a tail call
                }
            }
            i += 1;
        }
        Shape {
            kind,
            max_rmws: if n == 0 { 0 } else { best[0] },
            insns,
            rmws,
            calls,
            loops,
            llsc_retries,
            fast,
            fast_idx,
        }
    }

    /// The fast path from the RMW to its last conditional branch (the tests
    /// of the result), LL/SC retry branches and branch targets dropped.
    pub fn after_rmw(&self) -> Vec<String> {
        let retry: HashSet<usize> = self.llsc_retries.iter().map(|&(_, j)| j).collect();
        let (mut seq, mut last) = (Vec::new(), None);
        for (&i, t) in self.fast_idx.iter().zip(&self.fast) {
            if seq.is_empty() && !is_rmw(self.kind, t) {
                continue;
            }
            let m = mnem(t);
            let mut t = t.clone();
            if branch_target(self.kind, &t).is_some() && !is_uncond(self.kind, &t) && !is_call(m) {
                if retry.contains(&i) {
                    continue;
                }
                let ops = isa::operands(&t);
                t = if ops.len() > 1 {
                    format!("{m}\t{}", ops[..ops.len() - 1].join(", "))
                } else {
                    m.to_string()
                };
                last = Some(seq.len());
            }
            seq.push(t);
        }
        match last {
            Some(l) => seq[..=l].to_vec(),
            None => seq,
        }
    }

    /// Whether some branch or call goes to a symbol containing `name_part`.
    pub fn refers_to(&self, name_part: &str) -> bool {
        self.calls.iter().flatten().any(|c| c.contains(name_part))
    }
}
