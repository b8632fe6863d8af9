//! The `lifecycle` target: up to four counters, each through many lives
//! (`unfreeze` .. `Last` or `freeze`), with every reference the harness holds
//! kept as a token tagged with its counter and life.
//!
//! Checked after every operation:
//! - `Last` (or a successful `freeze`) is handed out exactly when the last
//!   token of the current life goes, and at most once per life;
//! - no token outlives its life (a life ends with none of its tokens held);
//! - no `try_get`/`get` succeeds on a frozen counter, and every `try_get` on
//!   a live one succeeds;
//! - the word's state (`state()`, `count()`, `is_frozen()`,
//!   `is_saturated()`, the `Tagged` generation) is what the tokens say.
//!
//! Misuse (`put` or `get` on a frozen counter, `put_many` of more than is
//! held, `unfreeze` of a live counter) goes through the release-mode paths:
//! build with `cargo fuzz build -O` (no debug assertions; in a build with
//! debug assertions the crate panics on misuse by design, so these operations
//! are skipped). Misuse must never make a frozen word live, never hand out a
//! second `Last`, and must leave the word frozen or saturated, never a small
//! live count (the documented misuse guarantee).

use crate::Enc;
use arbitrary::Arbitrary;
use frozen_refcount::{Backend, Encoding, FrozenMark, FrozenRefcount, Put, State};

/// One fuzzed operation: `c` picks the counter (modulo their number), `n`
/// the amount (brought into range).
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum LOp {
    /// `try_get_many(n)` by a speculative reader (any state).
    TryGet { c: u8, n: u8 },
    /// `get_many(n)` by a holder of a token of the current life.
    Get { c: u8, n: u8 },
    /// `put_many(n)` of `n` held tokens.
    Put { c: u8, n: u8 },
    /// `freeze(held + d - 1)`: succeeds iff exactly the held tokens remain.
    Freeze { c: u8, d: u8 },
    /// `unfreeze(n)` by the owner of a frozen counter.
    Unfreeze { c: u8, n: u8 },
    /// Misuse: `put_many(n)` on a frozen counter.
    PutFrozen { c: u8, n: u8 },
    /// Misuse: `get_many(n)` on a frozen counter.
    GetFrozen { c: u8, n: u8 },
    /// Misuse: `put_many(held + 1 + k)` on a live counter.
    PutExcess { c: u8, k: u8 },
    /// Misuse: `unfreeze(n)` on a live counter.
    UnfreezeLive { c: u8, n: u8 },
}

/// A whole `lifecycle` input.
#[derive(Arbitrary, Debug)]
pub struct Input {
    /// The encoding of every counter.
    pub enc: Enc,
    /// `counters % 4 + 1` counters, all starting frozen (owned by the harness).
    pub counters: u8,
    /// The operations, in order.
    pub ops: Vec<LOp>,
}

/// What the harness believes a counter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ghost {
    /// Live: the count is the number of tokens of the current life.
    Live,
    /// Saturated (sticky for this life): gets and puts work, no `Last`.
    Saturated,
    /// Frozen and owned by the harness.
    Frozen,
}

struct Slot<E: Encoding, B: Backend> {
    rc: FrozenRefcount<E, B>,
    ghost: Ghost,
    /// Lives begun by `unfreeze` (the `Tagged` generation, mod 2^32).
    life: u64,
    /// `Last`s and successful `freeze`s handed out in the current life.
    ends: u32,
}

/// Tokens: how many references of (counter, life) the harness holds.
#[derive(Default)]
struct Tokens(Vec<((usize, u64), u64)>);

impl Tokens {
    fn held(&self, key: (usize, u64)) -> u64 {
        self.0.iter().find(|(k, _)| *k == key).map_or(0, |e| e.1)
    }
    fn add(&mut self, key: (usize, u64), n: u64) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 += n,
            None => self.0.push((key, n)),
        }
    }
    /// Removes `n` tokens (the caller checked they are held).
    fn take(&mut self, key: (usize, u64), n: u64) {
        let e = self
            .0
            .iter_mut()
            .find(|(k, _)| *k == key)
            .expect("token held");
        e.1 -= n;
        self.0.retain(|e| e.1 > 0);
    }
    /// Forgets every token of `key` (a life ended by misuse: they are stale).
    fn revoke(&mut self, key: (usize, u64)) {
        self.0.retain(|(k, _)| *k != key);
    }
    /// Tokens held of any life of counter `c` other than `life`.
    fn stale(&self, c: usize, life: u64) -> u64 {
        self.0
            .iter()
            .filter(|((k, l), _)| *k == c && *l != life)
            .map(|e| e.1)
            .sum()
    }
}

/// Runs `input`; panics (a crash for libFuzzer) at the first violation.
pub fn run(input: &Input) {
    crate::with_encoding!(input.enc, CoreAtomics, run_on(input))
}

fn run_on<E: Encoding, B: Backend>(input: &Input) {
    let misuse_ok = !cfg!(debug_assertions);
    let max_count = E::MAX_COUNT as u64;
    let many = |n: u8| (n as u32) % E::MAX_MANY + 1;
    let mut slots: Vec<Slot<E, B>> = (0..input.counters as usize % 4 + 1)
        .map(|_| Slot {
            rc: FrozenRefcount::new_frozen(),
            ghost: Ghost::Frozen,
            life: 0,
            ends: 0,
        })
        .collect();
    let mut tokens = Tokens::default();
    let k = slots.len();
    for (step, &op) in input.ops.iter().enumerate() {
        let fail = |what: &str, c: usize, s: &Slot<E, B>| -> ! {
            panic!(
                "{} step {step} {op:?}: {what} (counter {c}: ghost {:?}, life {}, real {:?}, raw {:#x})",
                E::NAME,
                s.ghost,
                s.life,
                s.rc.state(),
                frozen_refcount::Word::to_u64(s.rc.load_raw())
            )
        };
        let c = match op {
            LOp::TryGet { c, .. }
            | LOp::Get { c, .. }
            | LOp::Put { c, .. }
            | LOp::Freeze { c, .. }
            | LOp::Unfreeze { c, .. }
            | LOp::PutFrozen { c, .. }
            | LOp::GetFrozen { c, .. }
            | LOp::PutExcess { c, .. }
            | LOp::UnfreezeLive { c, .. } => c as usize % k,
        };
        let s = &mut slots[c];
        let key = (c, s.life);
        let held = tokens.held(key);
        // The end of a life: at most once, and no token of it may survive.
        let end_life = |s: &mut Slot<E, B>, tokens: &Tokens| {
            s.ends += 1;
            if s.ends > 1 {
                fail("a second Last (or freeze) in one life", c, s);
            }
            if tokens.held((c, s.life)) != 0 {
                fail("the life ended while tokens of it are held", c, s);
            }
            s.ghost = Ghost::Frozen;
        };
        match op {
            LOp::TryGet { n, .. } => {
                let n = many(n);
                let ok = s.rc.try_get_many(n);
                if ok != (s.ghost != Ghost::Frozen) {
                    fail(
                        if ok {
                            "try_get succeeded on a frozen counter"
                        } else {
                            "try_get failed on a live counter"
                        },
                        c,
                        s,
                    );
                }
                if ok {
                    tokens.add(key, n as u64);
                    if held + n as u64 > max_count {
                        s.ghost = Ghost::Saturated;
                    }
                }
            }
            LOp::Get { n, .. } => {
                if held == 0 || s.ghost == Ghost::Frozen {
                    continue;
                }
                let n = many(n);
                s.rc.get_many(n);
                tokens.add(key, n as u64);
                if held + n as u64 > max_count {
                    s.ghost = Ghost::Saturated;
                }
            }
            LOp::Put { n, .. } => {
                let n = many(n) as u64;
                if held < n || s.ghost == Ghost::Frozen {
                    continue;
                }
                let r = s.rc.put_many(n as u32);
                tokens.take(key, n);
                let last = s.ghost == Ghost::Live && held == n;
                match (r, last) {
                    (Put::Last, true) => end_life(s, &tokens),
                    (Put::Kept, false) => {}
                    (Put::Last, false) => {
                        fail("Last while tokens of the life remain (or saturated)", c, s)
                    }
                    (Put::Kept, true) => fail("Kept for the last token of the life", c, s),
                }
            }
            LOp::Freeze { d, .. } => {
                let expected = (held + d as u64 % 3).saturating_sub(1).clamp(1, max_count);
                let ok = s.rc.freeze(expected as u32);
                if ok != (s.ghost == Ghost::Live && held == expected) {
                    fail("freeze result", c, s);
                }
                if ok {
                    tokens.take(key, expected);
                    end_life(s, &tokens);
                }
            }
            LOp::Unfreeze { n, .. } => {
                if s.ghost != Ghost::Frozen {
                    continue;
                }
                let n = (n as u32) % E::MAX_COUNT + 1;
                s.rc.unfreeze(n);
                s.life += 1;
                s.ends = 0;
                s.ghost = Ghost::Live;
                tokens.add((c, s.life), n as u64);
            }
            LOp::PutFrozen { n, .. } => {
                if !misuse_ok || s.ghost != Ghost::Frozen {
                    continue;
                }
                if s.rc.put_many(many(n)) != Put::Kept {
                    fail("put on a frozen counter returned Last", c, s);
                }
            }
            LOp::GetFrozen { n, .. } => {
                // Classic cannot tell a frozen (dead) zero from a count: a get
                // on it makes it live, as documented (Linux folio_get).
                if !misuse_ok
                    || s.ghost != Ghost::Frozen
                    || E::SCHEME.frozen_mark() == FrozenMark::ZeroCount
                {
                    continue;
                }
                s.rc.get_many(many(n));
            }
            LOp::PutExcess { k: extra, .. } => {
                let n = held + 1 + extra as u64 % 4;
                if !misuse_ok || s.ghost != Ghost::Live || n > E::MAX_MANY as u64 {
                    continue;
                }
                if s.rc.put_many(n as u32) != Put::Kept {
                    fail("put of more than is held returned Last", c, s);
                }
                // The life is over without a Last (the object leaks): its
                // tokens are stale. The word must be frozen or saturated.
                tokens.revoke(key);
                s.ghost = match s.rc.state() {
                    State::Frozen => Ghost::Frozen,
                    State::Saturated => Ghost::Saturated,
                    _ => fail("put of more than is held left a live count", c, s),
                };
            }
            LOp::UnfreezeLive { n, .. } => {
                if !misuse_ok || s.ghost == Ghost::Frozen {
                    continue;
                }
                // Overwrites the count: a new life; the old one's tokens are
                // stale and never put (that would be further misuse).
                let n = (n as u32) % E::MAX_COUNT + 1;
                s.rc.unfreeze(n);
                tokens.revoke(key);
                s.life += 1;
                s.ends = 0;
                s.ghost = Ghost::Live;
                tokens.add((c, s.life), n as u64);
            }
        }
        // Every counter's word agrees with the tokens.
        for (c, s) in slots.iter().enumerate() {
            let held = tokens.held((c, s.life));
            if tokens.stale(c, s.life) != 0 {
                fail("a token outlived its life", c, s);
            }
            let real = s.rc.state();
            let ok = match s.ghost {
                Ghost::Frozen => real == State::Frozen && s.rc.is_frozen() && s.rc.count() == 0,
                Ghost::Saturated => real == State::Saturated && s.rc.count() == u32::MAX,
                Ghost::Live => real == State::Live(held as u32) && s.rc.count() == held as u32,
            };
            if !ok {
                fail("the word disagrees with the tokens", c, s);
            }
            if E::SCHEME.has_generation()
                && frozen_refcount::Word::to_u64(s.rc.load_raw()) >> 32 != s.life & 0xFFFF_FFFF
            {
                fail("Tagged generation is not the number of lives", c, s);
            }
        }
    }
}
