//! The ghost state the logical threads keep (which references each holds,
//! of which life) and the invariants the scheduler checks against it and
//! the counter's word between steps; what a violation is, and when it is a
//! crash.

use super::scenario::{Scenario, TOp, MAX_THREADS};
use frozen_refcount::{Backend, Encoding, FrozenRefcount, Put, State, Word};
use std::fmt;

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Last` to a `put` whose reference belongs to an earlier life: the
    /// put/put ABA.
    Aba,
    /// Any other invariant.
    Bug,
}

/// An invariant that failed, with the step at which the scheduler saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which kind.
    pub kind: Kind,
    /// What and where.
    pub what: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.what)
    }
}

/// The ghost state: what the threads hold, per life.
#[derive(Default)]
pub(super) struct Ghost {
    /// The current life (lives begun by `unfreeze`; the `Tagged` generation).
    life: u64,
    /// The current life has ended (`Last` or `freeze`): the word is frozen
    /// and `owner` owns it.
    pub(super) ended: bool,
    pub(super) owner: Option<usize>,
    /// Per thread: the life of each reference held.
    pub(super) tokens: [Vec<u64>; MAX_THREADS],
    /// Per thread: references handed to a `put` that has done its subtract.
    pub(super) releasing: [Vec<u64>; MAX_THREADS],
    /// Per thread: the operation in flight and how many atomic steps it took.
    pub(super) op: [Option<TOp>; MAX_THREADS],
    pub(super) steps: [u32; MAX_THREADS],
    /// Per thread: whether any atomic step of the operation in flight ran
    /// while the life had ended (or had not). An operation may take effect
    /// at any of its steps: `Biased`'s failed `try_get` is its add and then
    /// a re-read, and an `unfreeze` may land between them.
    pub(super) saw_ended: [bool; MAX_THREADS],
    pub(super) saw_live: [bool; MAX_THREADS],
    pub(super) violation: Option<Violation>,
    /// The encoding's `MAX_MANY`: what `TryGetMany` takes and the most a
    /// `PutAll` gives back.
    pub(super) many: u32,
    /// The encoding's `MAX_COUNT`.
    pub(super) max_count: u32,
    /// The current life's count went past `MAX_COUNT`: saturated, which is
    /// sticky by design (the life never ends and no `put` says `Last`).
    saturated: bool,
}

impl Ghost {
    fn held(&self, life: u64) -> usize {
        self.tokens.iter().flatten().filter(|&&l| l == life).count()
    }
    fn fail(&mut self, kind: Kind, what: String) {
        if self.violation.is_none() {
            self.violation = Some(Violation { kind, what });
        }
    }
    /// Whether thread `id` may do `op` now; also what `put_many`/`freeze` take.
    pub(super) fn decide(&self, id: usize, op: TOp) -> bool {
        let held = self.tokens[id].len();
        match op {
            TOp::TryGet | TOp::TryGetMany => true,
            TOp::Get | TOp::Put => held >= 1,
            // freeze(expected) takes 1..=MAX_COUNT.
            TOp::Freeze => held >= 1 && held <= self.max_count as usize,
            TOp::PutAll => held >= 1,
            TOp::Unfreeze(_) => self.ended && self.owner == Some(id),
        }
    }
    /// Thread `id`'s operation `op` returned `r` (`None`: no result).
    pub(super) fn complete(
        &mut self,
        id: usize,
        op: TOp,
        r: Option<bool>,
        put: Option<Put>,
        name: &str,
    ) {
        let life = self.life;
        let who = format!("{name}: thread {id} {op:?}");
        match op {
            TOp::TryGet | TOp::TryGetMany | TOp::Get => {
                let ok = r.unwrap_or(true);
                let (saw_ended, saw_live) = (self.saw_ended[id], self.saw_live[id]);
                if ok && self.ended && !saw_live {
                    self.fail(
                        Kind::Bug,
                        format!("{who} succeeded on a frozen counter (life {life})"),
                    );
                } else if !ok && !self.ended && !saw_ended {
                    self.fail(
                        Kind::Bug,
                        format!("{who} failed on a live counter (life {life})"),
                    );
                }
                if ok {
                    let n = if op == TOp::TryGetMany { self.many } else { 1 };
                    self.tokens[id].extend(std::iter::repeat_n(life, n as usize));
                    self.saturated |= self.held(life) > self.max_count as usize;
                }
            }
            TOp::Put | TOp::PutAll => {
                let released = std::mem::take(&mut self.releasing[id]);
                if put == Some(Put::Last) {
                    if let Some(old) = released.iter().find(|&&l| l != life) {
                        self.fail(
                            Kind::Aba,
                            format!(
                                "{who} got Last for life {life}, holding a reference of life {old}"
                            ),
                        );
                    } else {
                        self.end_life(&who);
                        self.owner = Some(id);
                    }
                }
            }
            TOp::Freeze => {
                if r == Some(true) {
                    let mine = std::mem::take(&mut self.tokens[id]);
                    if mine.iter().any(|&l| l != life) {
                        self.fail(
                            Kind::Bug,
                            format!("{who} froze life {life} with stale references"),
                        );
                    }
                    self.end_life(&who);
                    self.owner = Some(id);
                }
            }
            TOp::Unfreeze(c) => {
                self.life += 1;
                self.ended = false;
                self.saturated = false;
                self.owner = None;
                self.tokens[id].extend(std::iter::repeat_n(self.life, c as usize));
            }
        }
    }
    fn end_life(&mut self, who: &str) {
        let life = self.life;
        if self.saturated {
            self.fail(
                Kind::Bug,
                format!("{who}: Last/freeze for life {life}, which saturated"),
            );
        } else if self.ended {
            self.fail(
                Kind::Bug,
                format!("{who}: a second Last/freeze for life {life}"),
            );
        } else if self.held(life) != 0 {
            self.fail(
                Kind::Bug,
                format!(
                    "{who}: life {life} ended while {} of its references are held",
                    self.held(life)
                ),
            );
        }
        self.ended = true;
    }
}

/// The invariants between two steps.
pub(super) fn check_step<E: Encoding, B: Backend>(
    rc: &FrozenRefcount<E, B>,
    g: &mut Ghost,
    name: &str,
) {
    let raw = rc.load_raw().to_u64();
    if g.ended && !rc.is_frozen() {
        g.fail(
            Kind::Bug,
            format!(
                "{name}: life {} ended but the word {raw:#x} is live",
                g.life
            ),
        );
        return;
    }
    let in_flight =
        g.op.iter()
            .zip(&g.steps)
            .any(|(op, &s)| op.is_some() && s > 0);
    if !g.ended && !in_flight {
        let held = g.held(g.life) as u32;
        let want = if g.saturated {
            State::Saturated
        } else {
            State::Live(held)
        };
        if rc.state() != want {
            g.fail(
                Kind::Bug,
                format!(
                    "{name}: {held} references held, word {raw:#x} is {:?}",
                    rc.state()
                ),
            );
            return;
        }
    }
    let unfreezing =
        g.op.iter()
            .zip(&g.steps)
            .any(|(op, &s)| matches!(op, Some(TOp::Unfreeze(_))) && s > 0);
    if E::SCHEME.has_generation() && !unfreezing && raw >> 32 != g.life & 0xFFFF_FFFF {
        g.fail(
            Kind::Bug,
            format!("{name}: generation {} after {} lives", raw >> 32, g.life),
        );
    }
}

/// The invariants once every thread has finished.
pub(super) fn check_end<E: Encoding, B: Backend>(
    rc: &FrozenRefcount<E, B>,
    g: &mut Ghost,
    name: &str,
) {
    check_step(rc, g, name);
    if g.violation.is_none() && !g.ended && !g.saturated && g.held(g.life) == 0 {
        g.fail(
            Kind::Bug,
            format!(
                "{name}: every reference of life {} is gone but nobody got Last",
                g.life
            ),
        );
    }
}

/// Whether a violation is a crash: always, except the ABA on an encoding that
/// has it by design, unless `FROZEN_REFCOUNT_FUZZ_ABA=crash` (the ABA hunt).
pub fn is_crash(sc: &Scenario, v: &Violation) -> bool {
    v.kind == Kind::Bug || !sc.aba_by_design() || aba_hunt()
}

fn aba_hunt() -> bool {
    static HUNT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HUNT.get_or_init(|| std::env::var("FROZEN_REFCOUNT_FUZZ_ABA").is_ok_and(|v| v == "crash"))
}
