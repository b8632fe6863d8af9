//! The protocol's cold paths: what `try_get`, `get` and `put` do when the
//! word their RMW produced is not a plain exact count (frozen, saturated,
//! the last reference, misuse), and the garbage reset. The fast paths that
//! call them are in `frozen.rs`; every decision reads the word through
//! `read.rs`.

use super::{FrozenRefcount, W};
use crate::backends::Backend;
use crate::encoding::Encoding;
use crate::state::{Put, State};
use crate::word::Word;
use core::sync::atomic::Ordering::{Acquire, Relaxed};

impl<E: Encoding, B: Backend> FrozenRefcount<E, B> {
    #[cold]
    #[inline(never)]
    pub(super) fn try_get_slow(&self, new: E::Word) -> bool {
        if Self::refused(new) {
            // The failed increment stays on the word as garbage unless it has
            // drifted far enough to need the reset.
            self.settle_frozen(new, Drift::Up);
            false
        } else {
            // Live but past MAX_COUNT: saturated, and still a success.
            self.resaturate(new);
            true
        }
    }

    /// `Biased`'s slow path: our add made the word negative, and we decide
    /// from a later read whether it landed on a saturated word (success) or
    /// a frozen one (failure). Unlike a re-read in `put` (the race Linux's
    /// b9a49520679e fixed: it let a second putter take the first's `Last`),
    /// this one cannot misjudge, because the only words our add can have hit
    /// leave their zone only in ways the read tells apart:
    /// - saturated is sticky: every step on it takes a slow path that
    ///   re-centres it, and nothing else writes it. A saturated read means
    ///   our add hit saturated (or hit frozen, and the word was since
    ///   unfrozen and saturated by 2^(B-2) gets: then our uncounted
    ///   reference sits on a counter that never frees, which is harmless).
    /// - frozen leaves its zone only by `unfreeze`'s store, which comes after
    ///   our add in the word's modification order (we read it after our own
    ///   RMW) and so discarded our increment. A live, zero or frozen read
    ///   therefore means our add hit frozen: failure, with nothing to undo.
    ///
    /// The read is Acquire: on success we hold a reference and read the
    /// object, so we must synchronise with the `unfreeze` that published it.
    #[cold]
    #[inline(never)]
    pub(super) fn try_get_reread(&self) -> bool {
        let seen = B::load::<E::Word>(&self.word, Acquire);
        if Self::frozen(seen) {
            // Garbage from failed gets, ours included: reset if drifted.
            self.settle_frozen(seen, Drift::Up);
            false
        } else if Self::exact(seen) || Self::state_bits(seen) == E::ZERO {
            // Unfrozen since our add (its store discarded our increment),
            // or a foreign word one below the transient zero: not ours.
            // Not reset: a zero here may be a new life's last `put`.
            false
        } else {
            self.resaturate(seen);
            true
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn get_slow(&self, new: E::Word) {
        if Self::refused(new) {
            self.settle_frozen(new, Drift::Up);
            misuse("get on a frozen counter");
        } else {
            self.resaturate(new);
        }
    }

    #[cold]
    #[inline(never)]
    pub(super) fn put_slow(&self, old: E::Word, new: E::Word) -> Put {
        if Self::state_bits(new) == E::ZERO && Self::exact(old) {
            return self.last(new);
        }
        match Self::classify(old) {
            State::Saturated => {
                self.resaturate(new);
                Put::Kept
            }
            State::Frozen => {
                if Self::frozen(new) {
                    self.settle_frozen(new, Drift::Down);
                } else {
                    // A word at the very edge of the frozen region that only
                    // a foreign writer can leave there (ZeroLockedHigh's
                    // all-zero word wraps into its wrap zone, which is
                    // frozen): undo the step out of it with one CAS.
                    let _ = B::compare_exchange(
                        &self.word,
                        new,
                        Self::gen_bits(new) | E::FROZEN,
                        Relaxed,
                        Relaxed,
                    );
                }
                // Repaired first, then reported: a caught panic (or another
                // thread) finds the word exactly as a release build leaves it.
                misuse("put on a frozen counter");
                Put::Kept
            }
            State::Zero | State::Live(_) => {
                if Self::frozen(new) {
                    // The subtract went below zero: `new` is at the top of the
                    // frozen half, one increment from a live zero, and for
                    // Tagged it borrowed from the generation. Reset it to the
                    // canonical frozen word of the old generation, one CAS
                    // (found by the `lifecycle` fuzz target). Relaxed/Relaxed:
                    // frozen to frozen; nothing is published.
                    let _ = B::compare_exchange(
                        &self.word,
                        new,
                        Self::gen_bits(old) | E::FROZEN,
                        Relaxed,
                        Relaxed,
                    );
                } else if !Self::exact(new) {
                    self.resaturate(new);
                }
                misuse("put of more references than the count holds");
                Put::Kept
            }
        }
    }

    /// The count reached zero with the word `zero`: freeze it, unless a
    /// `try_get` got in first.
    #[inline]
    pub(super) fn last(&self, zero: E::Word) -> Put {
        if E::DEAD_ZERO {
            // Classic: zero is final. Acquire pairs with the Release subtract
            // of every earlier put, as in `Arc::drop`.
            B::acquire_fence::<E::Word>(&self.word);
            return Put::Last;
        }
        // Strong CAS from the exact word our subtract produced (for Tagged:
        // with its generation, so a put preempted across a reuse fails here).
        // A spurious failure would leak the object, hence not weak.
        // Acquire on success: the other holders' Release subtracts head
        // release sequences continued by every RMW since, including ours, so
        // their accesses happen-before the caller frees the object. Relaxed
        // on failure: a try_get resurrected the object; its holder frees it.
        match B::compare_exchange(
            &self.word,
            zero,
            Self::gen_bits(zero) | E::FROZEN,
            Acquire,
            Relaxed,
        ) {
            Ok(_) => Put::Last,
            Err(_) => Put::Kept,
        }
    }

    /// Re-centres a saturated word in its band, so that it drifts neither
    /// into frozen nor down to an exact count (Linux `refcount_t`).
    #[inline]
    pub(super) fn resaturate(&self, seen: E::Word) {
        // Relaxed: changes no ownership; any value in the band means the same.
        B::store(&self.word, Self::gen_bits(seen) | E::SATURATED, Relaxed)
    }

    /// A frozen word `seen` has collected garbage: if it drifted more than
    /// `DRIFT_LIMIT` from the canonical frozen word in the direction this
    /// operation moves it, reset it with a CAS. If the CAS fails because
    /// another failed increment moved the word, retry from what the CAS
    /// returned, for as long as the word is frozen and still past the limit;
    /// stop the moment it was unfrozen (the CAS fails, as it must) or is back
    /// within the limit.
    ///
    /// The retry is what bounds the drift. A single CAS that gives up when
    /// the word moved lets two threads that keep failing `try_get`s on one
    /// frozen word (their owner preempted) fail each other's resets forever,
    /// while the garbage climbs into the transient zero and wraps into a
    /// live count (`tests/windows.rs` checks that the reset retries when the
    /// word moves). Lock-free: a CAS fails only because another thread's
    /// step succeeded.
    ///
    /// # The reader bound
    ///
    /// Let `D` be how far the word's state field is above `FROZEN`, and `k`
    /// the number of failed `try_get*`s between their add and their return.
    /// Then `D <= DRIFT_LIMIT + k * MAX_MANY` at every moment. Take the last
    /// write in the word's modification order that left `D <= DRIFT_LIMIT`
    /// (the freeze, or a reset, at the latest). Every write after it is an
    /// add that left `D > DRIFT_LIMIT`, each by a reader still in flight:
    /// such a reader returns only after it has itself reset the word, or has
    /// read `D <= DRIFT_LIMIT` (its CAS's current value, `Biased`'s re-read)
    /// in a word that, by read-read coherence, was written after its own
    /// add; either is a later write with `D <= DRIFT_LIMIT`. One add per
    /// reader, each at most `MAX_MANY`: the claim. The word stays frozen,
    /// and short of `Biased`'s transient zero, while `D < FROZEN_ROOM`, so
    /// for any `k <= FROZEN_HEADROOM / MAX_MANY = READER_BOUND`. Misused
    /// puts move the word down and only widen the room above it; `Tagged`'s
    /// generation is never carried into within the bound. The table of
    /// `READER_BOUND` per encoding and width is in `guide::contract`, and
    /// `tests/bounds.rs` checks it to the reader.
    #[inline]
    fn settle_frozen(&self, seen: E::Word, drift: Drift) {
        if E::DRIFT_LIMIT == W::<E>::ZERO {
            return; // low-bit encodings: no add can reach bit 0
        }
        let mut seen = seen;
        loop {
            let s = Self::state_bits(seen);
            let dist = match drift {
                Drift::Up => s.wrapping_sub(E::FROZEN),
                Drift::Down => E::FROZEN.wrapping_sub(s),
            } & E::STATE_MASK;
            if !(dist > E::DRIFT_LIMIT && dist < E::HALF) {
                return;
            }
            // Relaxed/Relaxed: frozen to frozen; nothing is published.
            match B::compare_exchange(
                &self.word,
                seen,
                Self::gen_bits(seen) | E::FROZEN,
                Relaxed,
                Relaxed,
            ) {
                Ok(_) => return,
                Err(now) if Self::frozen(now) => seen = now,
                Err(_) => return, // unfrozen meanwhile: not ours to touch
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Drift {
    Up,
    Down,
}

#[cold]
#[inline(never)]
#[track_caller]
pub(super) fn misuse(what: &str) {
    if cfg!(debug_assertions) {
        panic!("frozen-refcount misuse: {what}");
    }
}
