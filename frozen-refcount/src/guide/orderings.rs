//! The memory orderings: every atomic step of the protocol, its ordering,
//! what it pairs with, and why that is enough.
//!
//! Two hand-overs of the object need ordering, and nothing else does:
//!
//! - **Publication.** Whoever makes the word live (the owner's
//!   [`unfreeze`](crate::FrozenRefcount::unfreeze)) must have its
//!   initialisation of the object seen by every `try_get` that succeeds on
//!   that life: a Release store, read by an Acquire read-modify-write.
//! - **Reclamation.** Whoever receives [`Put::Last`](crate::Put::Last) (or
//!   a successful [`freeze`](crate::FrozenRefcount::freeze)) frees or
//!   reuses the object, and must come after every access made under every
//!   reference of the life: Release subtracts, read by an Acquire
//!   compare-and-swap. In the Rust (C++20) memory model a Release write
//!   heads a *release sequence* made of the read-modify-writes that follow
//!   it on the same word. Every step on a live word that can come before a
//!   `Last` is one (the only plain stores are `unfreeze`'s, which starts a
//!   life, and the re-centring of a saturated word, which never returns
//!   `Last`), so the freezing CAS synchronises with every earlier `put`.
//!
//! Every other step is `Relaxed`: it changes no ownership, or the caller
//! already holds a reference.
//!
//! | operation | atomic step | ordering | pairs with | why it is enough |
//! | --- | --- | --- | --- | --- |
//! | `try_get`, `try_get_many` | `fetch_add` ([`Biased`](crate::Biased): `add_is_negative`) | Acquire | `unfreeze`'s Release store | on success the caller reads the object and must see its initialisation; on failure nothing is read and the Acquire is unused |
//! | [`Biased`](crate::Biased)'s `try_get`, when the add made the word negative | a re-read of the word | Acquire | `unfreeze`'s Release store | the decision (a saturated word: success) comes from this read, so the success must synchronise through it. The read cannot misjudge: saturated is sticky, and a frozen word leaves its zone only by `unfreeze`'s store, which discarded the add |
//! | `try_get_unless_frozen` | a load before the `try_get` | Relaxed | — | a hint only: on `false` nothing is read; on a live word the read-modify-write that follows decides and orders |
//! | [`Classic`](crate::Classic)'s `try_get` | a load, then a weak CAS loop | load Relaxed; CAS Acquire, Relaxed on failure | `unfreeze`, or the caller's publication of a `new` counter | the load is only the guess the first CAS re-checks; a failed CAS retries with the value it was given |
//! | `get`, `get_many` | `fetch_add` | Relaxed | — | the caller holds a reference, so the object cannot be freed under it; handing the new reference to another thread needs synchronisation of its own (the argument of `Arc::clone`) |
//! | `put`, `put_many` | `fetch_sub` | Release | the Acquire of the last `put`'s CAS or of `freeze` | every access this holder made to the object happens-before the free or reuse |
//! | the last `put` | strong `compare_exchange` from the zero its subtract produced to frozen | Acquire; Relaxed on failure | every other holder's Release subtract, through the release sequences continued by every read-modify-write since, its own subtract included | on success the caller frees or reuses the object; a failure means a `try_get` resurrected it, and nothing changes hands. Strong, not weak: a spurious failure would leak the object |
//! | [`Classic`](crate::Classic)'s last `put` | an acquire fence after the Release `fetch_sub` that reached zero | Acquire | every holder's Release subtract | as `Arc::drop`. Under `--cfg frozen_refcount_tsan`, an Acquire load of the word instead, which reads the same release sequences |
//! | `freeze(expected)` | `compare_exchange` from `expected` references to frozen ([`Tagged`](crate::Tagged): after a Relaxed load of the generation) | Acquire; Relaxed on failure | the Release subtracts of the references dropped before | on success the caller owns the object, as after `Last`. The generation is written only by owners; a stale one makes the CAS fail, the right answer for a counter that changed hands |
//! | `put_expecting_last` | `freeze(1)`, then, if it failed, `put` | as `freeze`, then as `put` | as `freeze`; as `put` | a success is a `Last` with `freeze`'s Acquire; the caller's own accesses need no Release, since nobody else holds a reference. A failure changed nothing, and the `put` orders as any `put` |
//! | `unfreeze(count)` | a store ([`Tagged`](crate::Tagged), and debug builds: after a Relaxed load) | Release | the Acquire of every `try_get` that succeeds on the new life | publishes the object's initialisation. A store, not a CAS: it discards the garbage of failed `try_get`s, whose increments lost the race by definition. The load reads generation bits last written by the counter's owners, and ownership was handed over with an Acquire |
//! | `skip_generation` | a load, then a CAS loop from frozen to frozen | Relaxed; Relaxed | — | owned by the caller and frozen throughout; nothing is published (the next `unfreeze` is the Release) |
//! | re-centring a saturated word | a store | Relaxed | — | changes no ownership; every value in the band means the same |
//! | the garbage reset, the repair after misuse | `compare_exchange` from frozen to frozen | Relaxed; Relaxed | — | nothing is published |
//! | `count`, `state`, `is_frozen`, `is_saturated`, `load_raw`, `generation` | a load | Relaxed | — | snapshots; nothing is read through them |
//!
//! **What the caller provides.** A counter created live with
//! [`new`](crate::FrozenRefcount::new) is published by the caller's own
//! means (a Release store of a pointer to it, a channel, a thread spawn),
//! as any shared value is; so is a reference passed from one thread to
//! another after a `get`.
//!
//! **Where the arguments are written.** Each ordering is argued in a comment
//! at the step that makes it, in the crate's source: the fast paths in
//! [`src/frozen.rs`](https://docs.rs/frozen-refcount/latest/src/frozen_refcount/frozen.rs.html),
//! the cold paths (the last `put`'s CAS, re-centring, the garbage reset and
//! the proof of the reader bound, [`Biased`](crate::Biased)'s re-read) in
//! [`src/frozen/slow.rs`](https://docs.rs/frozen-refcount/latest/src/frozen_refcount/frozen/slow.rs.html).
//!
//! **Backends.** A [`Backend`](crate::Backend) must perform each step with
//! at least the ordering asked for. The built-in ones give exactly that,
//! or what the hardware makes of it: on x86 every locked instruction is a
//! full barrier, and plain `mov` loads and stores are Acquire and Release
//! by the architecture (a `SeqCst` store is an `xchg`); on AArch64 each
//! ordering picks the instruction's suffix (`ldadda`/`ldaddl`/`ldaddal`,
//! `ldaxr`/`stlxr`, `ldar`/`stlr`); on RISC-V the compiler's `.aq` and
//! `.rl` annotations on the AMOs.
