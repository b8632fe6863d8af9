//! The contract: the states of a counter, what each operation does in each
//! state, what misuse does, what holds under concurrency, and the bounds.
//!
//! Everything here holds for every encoding and every backend, except
//! where an encoding is named. `MAX_COUNT` and `MAX_MANY` are
//! [`FrozenRefcount::MAX_COUNT`] and [`FrozenRefcount::MAX_MANY`] of the
//! counter's encoding and width.
//!
//! # States
//!
//! A counter word is always in one of four states, which
//! [`state`](crate::FrozenRefcount::state) reports as a [`State`]:
//!
//! | state | what it means | who may touch the object |
//! | --- | --- | --- |
//! | [`Live(n)`](crate::State::Live) | `1 <= n <= MAX_COUNT` references, counted exactly | the holders of the references |
//! | [`Saturated`](crate::State::Saturated) | the count went past `MAX_COUNT` and is no longer known; gets and puts keep working, and no `put` ever returns [`Put::Last`] again: the object leaks rather than being freed early (Linux `refcount_t`) | the holders |
//! | [`Zero`](crate::State::Zero) | transient: a live count of zero, inside the last `put`, between its subtract and the compare-and-swap that freezes the word. Only a concurrent reader can see it; a `try_get` that lands there *resurrects* the object (the pending `put` then reports [`Put::Kept`]). [`Classic`] has no such state: its zero is dead | the `put` in progress, or the `try_get` that resurrected it |
//! | [`Frozen`](crate::State::Frozen) | no reference: every `try_get` fails. The counter and the object belong to one *owner*: whoever created it frozen ([`new_frozen`](crate::FrozenRefcount::new_frozen), [`Default`]), received [`Put::Last`], or froze it with [`freeze`](crate::FrozenRefcount::freeze) | the owner alone |
//!
//! A *life* runs from the moment the counter becomes live
//! ([`new`](crate::FrozenRefcount::new), or the owner's
//! [`unfreeze`](crate::FrozenRefcount::unfreeze)) to the moment it freezes again
//! (the `put` that returns `Last`, or a successful `freeze`). Between lives
//! the counter is frozen and owned. [`Tagged`] numbers the lives: its
//! [`generation`](crate::FrozenRefcount::generation) is how many times the
//! counter was unfrozen, modulo 2^32.
//!
//! A frozen word also collects *garbage*: each failed `try_get` is an add
//! that stays on the word until a reset takes it off. Garbage never makes a
//! frozen word anything but frozen, within [the reader
//! bound](#the-reader-bound), and [`unfreeze`](crate::FrozenRefcount::unfreeze)
//! discards it.
//!
//! # Operations, state by state
//!
//! `k` is the `n` of a `*_many` call (1 for the plain ones). A cell names the
//! result and the state afterwards. "Misuse" cells are described in
//! [Misuse](#misuse); everything else is correct use.
//!
//! | operation | `Live(n)` | `Saturated` | `Zero` (transient) | `Frozen` |
//! | --- | --- | --- | --- | --- |
//! | [`try_get_many(k)`](crate::FrozenRefcount::try_get_many), [`try_get`](crate::FrozenRefcount::try_get) | `true`; `Live(n + k)`, or `Saturated` past `MAX_COUNT` | `true`; `Saturated` | `true`; `Live(k)`: the object is resurrected, and the pending last `put` returns `Kept` | `false`; `Frozen` (the add is garbage) |
//! | [`try_get_unless_frozen`](crate::FrozenRefcount::try_get_unless_frozen) | as `try_get` | as `try_get` | as `try_get` | `false`; no write at all when its first load sees the word frozen |
//! | [`get_many(k)`](crate::FrozenRefcount::get_many), [`get`](crate::FrozenRefcount::get) (the caller holds a reference) | `Live(n + k)`, or `Saturated` past `MAX_COUNT` | `Saturated` | misuse | misuse |
//! | [`put_many(k)`](crate::FrozenRefcount::put_many), [`put`](crate::FrozenRefcount::put) (the caller holds `k` references) | `n > k`: `Kept`; `Live(n - k)`. `n == k`: `Last`; `Frozen`, owned by the caller (or `Kept`, `Live(j)`, if `try_get`s of `j` references landed in the window). `n < k`: misuse | `Kept`; `Saturated` | misuse | misuse |
//! | [`put_expecting_last`](crate::FrozenRefcount::put_expecting_last) (the caller holds a reference) | as `put`, to the same word; `n == 1` takes one CAS, not two RMWs | as `put` | misuse | misuse |
//! | [`freeze(expected)`](crate::FrozenRefcount::freeze) | `n == expected`: `true`; `Frozen`, owned by the caller. Otherwise `false`, unchanged | `false`, unchanged | `false`, unchanged | `false`, unchanged |
//! | [`unfreeze(count)`](crate::FrozenRefcount::unfreeze) (the owner) | misuse | misuse | misuse | `Live(count)`; garbage discarded; [`Tagged`]: generation + 1 |
//! | [`skip_generation`](crate::FrozenRefcount::skip_generation) ([`Tagged`]; the owner) | misuse | misuse | misuse | `Frozen`; generation + 1, with no live moment |
//! | [`count`](crate::FrozenRefcount::count), [`state`](crate::FrozenRefcount::state), [`is_frozen`](crate::FrozenRefcount::is_frozen), [`is_saturated`](crate::FrozenRefcount::is_saturated), [`load_raw`](crate::FrozenRefcount::load_raw), [`generation`](crate::FrozenRefcount::generation) | a `Relaxed` snapshot, stale as soon as it is read; `count` is `n` | `count` is `u32::MAX` | `count` is 0 | `count` is 0 |
//!
//! [`Classic`] differs in two cells: its frozen state is the count zero,
//! which its `try_get` (a load and a CAS loop) refuses without writing, and
//! a `get` on it cannot be told from a `get` on a live count (see
//! [Misuse](#misuse)).
//!
//! Constructors: [`new(count)`](crate::FrozenRefcount::new) is `Live(count)`;
//! [`new_frozen`](crate::FrozenRefcount::new_frozen) and [`Default`] are
//! `Frozen`, owned by the caller; [`from_raw`](crate::FrozenRefcount::from_raw)
//! and the views over memory owned elsewhere
//! ([`from_ptr`](crate::FrozenRefcount::from_ptr),
//! [`from_mut_slice`](crate::FrozenRefcount::from_mut_slice), …) take the word as
//! it is: every bit pattern is a counter in some state ([the table of bit
//! patterns](crate::FrozenRefcount#bit-patterns)).
//!
//! Arguments out of range panic in every build, before anything is
//! written: `k` outside `1..=MAX_MANY` for the `*_many` operations, and
//! `count` or `expected` outside `1..=MAX_COUNT` for `new`, `freeze` and
//! `unfreeze`. Nothing else panics in a release build.
//!
//! # What holds under concurrency
//!
//! Under correct use, whatever the interleaving (what misuse can still do
//! is in [Misuse](#misuse)):
//!
//! - **One `Last` per life.** Of all the `put`s of one life, at most one
//!   returns [`Put::Last`], and only once every reference taken in the life
//!   was put (exactly one, if the references balance and the count never
//!   saturated). A successful `freeze` ends a life with no `Last`; the
//!   caller owns the object as if it had received one.
//! - **Frozen is sticky.** No `try_get*` succeeds on a word nobody
//!   unfroze, whatever the failed `try_get`s in flight, as long as at most
//!   [`READER_BOUND`](crate::FrozenRefcount::READER_BOUND) of them are in flight at
//!   once ([below](#the-reader-bound)); only the owner's `unfreeze` makes
//!   the word live again.
//! - **Resurrection is the only way into the transient zero.** A `try_get`
//!   that lands between the last `put`'s subtract and its CAS succeeds; the
//!   CAS then fails and that `put` returns `Kept`, so the object is not
//!   freed under the new holder, whose own `put` will be the `Last`.
//! - **Saturation is sticky** (every operation that sees a saturated word
//!   re-centres it), within
//!   [`SATURATION_BOUND`](crate::FrozenRefcount::SATURATION_BOUND) operations in
//!   flight at once.
//! - **[`Tagged`] closes the put/put ABA.** The last `put` freezes with a
//!   CAS from the exact `(generation, 0)` word its own subtract produced, so
//!   a `put` preempted across a whole free and reuse of the object fails its
//!   CAS instead of taking the new life's `Last`. The generation wraps after
//!   2^32 lives; the ABA comes back only for a single `put` preempted across
//!   exactly a multiple of 2^32 of them. Untagged encodings are open to it:
//!   their users keep a `put` from spanning a reuse by other means (RCU, an
//!   epoch).
//! - **Progress.** `try_get` (all but [`Classic`]), `get` and `put` are one
//!   atomic read-modify-write on their common path, with no loop. The slow
//!   paths are the last `put`'s single CAS and compare-and-swap loops (the
//!   garbage reset, [`skip_generation`](crate::FrozenRefcount::skip_generation))
//!   that retry only when another thread's step succeeded: lock-free.
//!   [`unfreeze`](crate::FrozenRefcount::unfreeze) is one store, `freeze` one CAS.
//!
//! The memory orderings that make a `Last` or a successful `try_get` see
//! what they must are in [`orderings`](super::orderings).
//!
//! # Misuse
//!
//! Misuse is an operation the contract does not allow in the counter's
//! state: a `get` without a reference, a `put` of references not held, an
//! `unfreeze` by someone who does not own a frozen counter. It is never
//! undefined behaviour (the word is an atomic integer, and every bit pattern
//! is a counter), and it never hands out a second `Last` for one life.
//!
//! In **debug builds** (`debug_assertions`), misuse panics with a message
//! starting `frozen-refcount misuse:`. The word is repaired first, so a
//! caught panic, or another thread, finds it exactly as a release build
//! leaves it.
//!
//! In **release builds** it settles as follows:
//!
//! - `put` on a frozen word leaves it frozen (the decrement is garbage; a
//!   frozen word drifted too far is reset to frozen with one CAS), and returns
//!   `Kept`. This holds for [`ZeroLockedHigh`]'s all-zero word too, which sits
//!   at the bottom edge of the frozen half: `0 - n` wraps to the top of the
//!   word, into the *wrap zone* (the top `2^(bits-4)` words), which every
//!   operation reads as frozen, and the `put` resets it to the canonical
//!   frozen word. However misused puts and `try_get`s interleave, no
//!   `try_get` succeeds, and once every `put` has returned the word is
//!   frozen, as long as at most `2^(bits-4) / MAX_MANY` such puts are in
//!   flight at once (8 at 8 and 16 bits, 65,536 at 32; readers only move the
//!   word back up). Beyond that bound, or where misuse must cost nothing at
//!   all to reason about, [`ZeroLockedLow`] (and [`LowBit`]) keep the state
//!   in bit 0, which no add or subtract can touch.
//! - `put` on a zero count (or of more than is held) makes the word frozen or
//!   saturated, never a small live count; the pending last `put` then reports
//!   `Kept`, and the object leaks instead of being freed twice. A subtract
//!   that goes below zero lands one increment short of a live zero (and, for
//!   [`Tagged`], borrows from the generation); the `put` resets it to the
//!   canonical frozen word with one CAS, so a `try_get` in that window (and
//!   only there) can still succeed.
//! - `get` on a frozen word leaves it frozen (like a failed `try_get`).
//!   [`Classic`] cannot tell: a `get` on its dead zero makes it live, exactly
//!   like Linux `folio_get` on a freed page; that is what the frozen
//!   encodings fix. A `get` on the transient zero acts as a `try_get` landing
//!   there.
//! - `unfreeze` on a live counter overwrites the count (and, for
//!   [`Tagged`], advances the generation). No second `Last` is handed out
//!   for the overwritten life (a `put` that finds the word frozen returns
//!   `Kept`).
//! - `skip_generation` on a live counter changes nothing.
//!
//! # The reader bound
//!
//! A failed `try_get` is an add that stays on the frozen word as garbage
//! until a reset CAS takes it off (kept rare: only once the garbage passes
//! a drift limit). Readers preempted between their add and their reset
//! pile up; [`READER_BOUND`](crate::FrozenRefcount::READER_BOUND) is how many may be
//! in flight on one frozen word at once, each with up to `MAX_MANY`, with no
//! `try_get*` ever succeeding on a word nobody unfroze. "In flight" is
//! between the call's atomic add and its return, and a thread is in flight
//! on one word at a time, so a program with at most that many threads
//! touching the word cannot exceed it. The argument is written at the reset
//! (`settle_frozen`, in the crate's source, `src/frozen/slow.rs`), and the
//! crate's tests check every row below against the constants, and the bound
//! itself to the reader. Saturated words have a bound of their own,
//! [`SATURATION_BOUND`](crate::FrozenRefcount::SATURATION_BOUND): how many
//! `get_many`/`put_many` of `MAX_MANY` may be in flight before the word
//! leaves the saturated band (saturation is re-centred by every operation
//! that sees it).
//!
//! | per width | 8 bits | 16 bits | 32 bits | 64 bits |
//! | --- | ---: | ---: | ---: | ---: |
//! | `MAX_MANY` | 2 | 512 | 4,096 | 4,096 |
//! | `READER_BOUND`: [`HighBit`], [`ZeroLockedHigh`], [`Tagged`] (32) | 23 | 23 | 196,607 | 844,424,930,131,967 |
//! | `READER_BOUND`: [`Biased`] | 11 | 11 | 98,303 | 422,212,465,065,983 |
//! | `READER_BOUND`: [`LowBit`], [`ZeroLockedLow`], [`Classic`] | none | none | none | none |
//! | saturated: all but [`ZeroLockedHigh`] | 15 | 15 | 131,071 | 562,949,953,421,311 |
//! | saturated: [`ZeroLockedHigh`] | 11 | 11 | 98,303 | 422,212,465,065,983 |
//!
//! "none": no add can thaw the word (the low-bit encodings add multiples of
//! 2, which never reach bit 0; `Classic`'s failed `try_get` writes nothing).
//! For `n = 1` readers the bound is `MAX_MANY` times larger. The limits
//! are checked at compile time: at least 8 readers at every width, at least
//! `2^16` at 32 and 64 bits.
//!
//! [`FrozenRefcount`]: crate::FrozenRefcount
//! [`FrozenRefcount::MAX_COUNT`]: crate::FrozenRefcount::MAX_COUNT
//! [`FrozenRefcount::MAX_MANY`]: crate::FrozenRefcount::MAX_MANY
//! [`Put::Last`]: crate::Put::Last
//! [`Put::Kept`]: crate::Put::Kept
//! [`State`]: crate::State
//! [`HighBit`]: crate::HighBit
//! [`LowBit`]: crate::LowBit
//! [`ZeroLockedHigh`]: crate::ZeroLockedHigh
//! [`ZeroLockedLow`]: crate::ZeroLockedLow
//! [`Biased`]: crate::Biased
//! [`Tagged`]: crate::Tagged
//! [`Classic`]: crate::Classic
