// This module holds no code: it is a page of the crate's documentation.

//! How frozen-slab is built, why each step is enough, and where it differs
//! from sharded-slab.
//!
//! # The pattern
//!
//! A reader holds a key to an object that may be removed, and its memory
//! reused, at any moment. It takes a reference speculatively, re-validates,
//! and uses the object or backs off. The Linux kernel does this for the page
//! cache (`folio_try_get`, then a re-check of the folio's mapping) and for
//! `SLAB_TYPESAFE_BY_RCU` objects. In a slab:
//!
//! ```
//! use frozen_slab::Slab;
//!
//! fn read(slab: &Slab<u64>, key: usize) -> Option<u64> {
//!     let entry = slab.get(key)?; // `try_get` on the slot, then the generation check
//!     let value = *entry;         // the value stays alive while the guard is held
//!     drop(entry);                // `put`; the last one drops the value and frees the slot
//!     Some(value)
//! }
//! # let slab = Slab::new();
//! # let key = slab.insert(7).unwrap();
//! # assert_eq!(read(&slab, key), Some(7));
//! ```
//!
//! Three things make that safe and cheap: the slot outlives every key that
//! names it (type-stable storage), its refcount refuses a reference while
//! the slot is free (the frozen state of [`frozen_refcount`]), and the key
//! names one life of the slot (a generation).
//!
//! # Type-stable slots
//!
//! Slots live in pages that never move: page `p` holds `32 << p` slots, and
//! 27 pages hold `32 * (2^27 - 1)` slots ([`Slab::MAX_SLOTS`], just under
//! the 2^32 that a key's index can name). A page is allocated on first use
//! and freed only when the slab is dropped, so a slot stays a slot of the
//! same type for the slab's whole life, through every value put in it. A
//! reader with a stale key may therefore always touch the slot's atomics
//! (never its value). A slot index maps to its page by one leading-zero
//! count.
//!
//! A page is one allocation holding two arrays: all its slots' refcounts,
//! then all their bodies.
//!
//! | part | where | what |
//! | --- | --- | --- |
//! | `refs: FrozenRefcount<Tagged>` | the refcount array | frozen while the slot is free; live with one reference held by the slab (until `remove` or `take`) plus one per guard. Its 32-bit generation counts the slot's lives: `unfreeze` advances it |
//! | `mark: AtomicU64` | the body array | `generation << 1 \| PRESENT` while that life is in the slab; the `remove` or `take` that wins clears PRESENT, once |
//! | `link: AtomicU32` | body | while the slot is free, the free-list link; while it is taken, the shard whose free list it goes back to |
//! | `value: UnsafeCell<MaybeUninit<T>>` | body | the value |
//!
//! The refcount is the only part of a slot that a `get` and a guard's drop
//! write; the mark and the value, which a `get` reads, are on other cache
//! lines, written only by inserts and removes. Were the three in one struct,
//! threads getting one hot key would pull the refcount's line back for every
//! read of the mark and the value; apart, those reads hit a line that stays
//! shared in every reader's cache. The cost is that neighbouring slots'
//! refcounts share lines (eight to a 64-byte line), as any array of counters
//! does; so that two threads' slots are not neighbours, each thread shard
//! takes never-used slots in runs of 16 (see "Free lists and shards"), and a
//! page's refcounts start on a 128-byte boundary.
//!
//! # The per-slot frozen refcount
//!
//! Each slot's count is a [`FrozenRefcount`]`<`[`Tagged`]`>`: a 32-bit count
//! with a FROZEN state, and a 32-bit generation beside it. A free slot is
//! frozen: [`try_get`](frozen_refcount::FrozenRefcount::try_get), one atomic add, fails on
//! it and leaves it frozen, with nothing to undo, so a reader racing with a
//! free or a reuse never revives a slot. The slab's steps on it:
//!
//! - `insert` pops a free (frozen, so owned) slot, writes the value, then
//!   [`unfreeze(1)`](frozen_refcount::FrozenRefcount::unfreeze): live with the slab's own
//!   reference, the generation advanced by one. Then it marks that life
//!   present.
//! - a guard's drop is one [`put`](frozen_refcount::FrozenRefcount::put); the put that
//!   takes the count to zero freezes the word (one CAS) and so owns the
//!   slot: it drops the value and pushes the slot on a free list.
//! - `remove` clears the mark (one CAS; one remover wins) and gives up the
//!   slab's reference by [`put_expecting_last`](frozen_refcount::FrozenRefcount::put_expecting_last):
//!   first one CAS from one reference to frozen, which succeeds when no
//!   guard is held and so owns the slot with one atomic step instead of the
//!   put's subtract and CAS; else a `put`.
//! - `take` clears the mark, then waits until [`freeze(1)`](frozen_refcount::FrozenRefcount::freeze)
//!   succeeds (every guard dropped) and moves the value out.
//!
//! The counter's own protocol (the transient zero, the freezing CAS, the
//! put/put ABA that `Tagged`'s generation closes) is frozen-refcount's, and
//! documented there; the slab adds the mark, the keys and the free lists.
//!
//! # Generations in keys
//!
//! A key is `generation << 32 | index`: the slot's index and the generation
//! its refcount had during the life the key names. A key from an earlier
//! life of the slot (a stale key) differs from the keys of the slot's next
//! 2^32 - 1 lives, so it is refused until the slot has been reused 2^32
//! times. The mark carries the same generation, which is what a `get`
//! compares.
//!
//! A [`Config`](crate::Config) with `RESERVED_BITS = R` takes the key's top
//! R bits for the user, out of the generation field, as sharded-slab takes
//! them out of its generation: the key and the mark carry the generation
//! modulo 2^(32 - R) (the refcount keeps all 32 bits), and every lookup
//! drops the key's top R bits before comparing. A stale key is then refused
//! until its slot has been reused 2^(32 - R) times. The mask is a constant
//! of the config type, `u32::MAX` for [`DefaultConfig`](crate::DefaultConfig),
//! so with the default the `&` folds away and `get` compiles to the same
//! instructions as without a config. At most 30 bits may be reserved (a
//! compile-time check); sharded-slab checks its own bound when the slab is
//! made.
//!
//! A [`VacantEntry`](crate::VacantEntry) dropped without a value spends its
//! life all the same ([`skip_generation`](frozen_refcount::FrozenRefcount::skip_generation):
//! the generation advances, the word stays frozen), so its key never names
//! a value, not even the next one put in that slot.
//!
//! # Why `get` is one `try_get`
//!
//! [`Slab::get`] loads the page pointer, then the slot's mark: a key whose
//! life is not present at that load misses there, with no write. That
//! answer is the one [`contains`](crate::Slab::contains) would give at the same
//! instant, so the miss is linearizable at the load; and since nothing is
//! written, a stale key shared by many threads leaves every line shared.
//! (It is what [`try_get_unless_frozen`](frozen_refcount::FrozenRefcount::try_get_unless_frozen)
//! does for a counter, done for the whole key.)
//!
//! A key seen present then takes its reference with one `try_get`, and
//! loads the mark again, which decides: the life can have ended, and the
//! slot been reused, between the first load and the `try_get`. If the mark
//! still says the key's life is present, the reference belongs to that
//! life, and the guard is returned. That is the whole hit: one atomic add
//! and three loads, no loop, no compare-and-swap. The guard's drop is one
//! atomic subtract.
//!
//! No CAS is needed because a reference taken by mistake does no harm: on a
//! frozen word the `try_get` fails and leaves it frozen, and on a live word
//! of another life the re-check refuses the reference and puts it back.
//! sharded-slab's `get` is a load of the slot's lifecycle word and a CAS
//! that adds a reference if the generation and state match, retried when
//! another thread moved the word in between; under contention on one key
//! each retry is another transfer of the line.
//!
//! # What a `get` that misses can do
//!
//! A `get` that misses after its `try_get` (the key was removed, or its slot
//! reused, between the two loads of the mark) puts its reference back. If
//! the value was removed meanwhile and every other guard has been dropped,
//! that put is the last one: this `get` then drops the value (running its
//! `Drop`, whose panic comes out of `get`) and recycles the slot, and
//! returns `None`. The same holds for [`get_owned`](crate::Slab::get_owned). It is
//! inherent to taking the reference before validating it; sharded-slab's
//! `get` never takes a reference it does not keep, so there only a guard's
//! drop, `remove` or `take` ends a value.
//!
//! # Free lists and shards
//!
//! Free slots are kept on lock-free (Treiber) stacks whose heads are
//! `tag << 32 | index`; never-used slots come from a bump counter. A pop
//! reads the head, then the head slot's `link`, then CASes the head.
//! If in between that slot is popped, reused and pushed back with another
//! link, a CAS on the bare index would succeed and install a stale link
//! (ABA). Every push and pop advances the tag, so that CAS fails unless
//! 2^32 operations fit inside the window. Reading the link of a slot that
//! another thread popped is safe because slots are type-stable and the link
//! is an atomic. (Per-page free lists would have the same ABA on each
//! page's head, and need the same tag.)
//!
//! There are 16 shards. Each has a local list, a stack and a run of
//! never-used slots on one pair of cache lines, and a remote stack on
//! another pair. With the `std` feature, a thread that first inserts or
//! frees claims the lowest shard index no live thread owns, process-wide,
//! and gives it up when it exits (a thread-local's destructor); threads
//! beyond 16 alive at once own none, and are dealt an index round-robin to
//! share. Two threads that each insert and remove their own values must
//! share no line: not a stack head, and not neighbouring slots, whose
//! refcounts (8 bytes each) would share the line that every `get` and guard
//! drop writes. So:
//!
//! - an insert takes from its local list if its thread owns the shard,
//!   then pops from the shard's stack, then takes the next slot of the
//!   shard's run, then claims a new run of 16 consecutive never-used slots
//!   from the counter (runs start at multiples of 16: two shards' slots are
//!   at least 128 bytes of refcounts apart). Only when the counter has
//!   reached the slab's limit does it steal, from the other shards' stacks,
//!   remote stacks and runs, and from the local lists that exited threads
//!   left (a list records the epoch of the owner that used it, and an
//!   index's epoch moves on when its owner exits; the steal locks a stale
//!   list while it takes from it, even if a new thread owns the index).
//! - a taken slot records its shard, and goes back to that shard whichever
//!   thread frees it (as sharded-slab returns a slot to its page's shard):
//!   - freed by the thread that owns the shard, to its **local list**,
//!     plain memory that only the owner touches: sharded-slab's local free
//!     list, so an insert and a remove by one thread cost no atomic step on
//!     the free list. It holds at most 16 slots; more go on the stack.
//!   - freed by another thread of the shard (one that shares it), to the
//!     shard's stack.
//!   - freed by a thread of another shard, to the shard's **remote stack**,
//!     which the shard takes whole (one swap) when its stack is empty:
//!     sharded-slab's remote free list. An inserting and a removing thread
//!     then each write their own word, and the remote word's line moves
//!     once per batch of slots, not once per slot. The remote stack is
//!     never popped one slot at a time, so it needs no tag: a Treiber push
//!     is immune to ABA.
//!
//!   A thread that removes the values another inserts gives the inserter
//!   its slots back, so the slab does not grow although the inserter takes
//!   never-used slots before stealing.
//! - a run is one atomic word, `end << 32 | next`, that any thread takes
//!   from by a CAS: the slots left in the run of a shard whose threads have
//!   exited are taken by the next thread dealt that shard, or stolen once
//!   the counter is spent. So with [`with_max_slots`](crate::Slab::with_max_slots)`(n)`,
//!   n values fit whichever threads insert them, less the freed slots that
//!   other live threads keep in their local lists: at most 16 for each
//!   (sharded-slab has no such bound at all: its capacity is per thread).
//!   Unbounded, up to 16 × 15 never-used slots can wait in runs for their
//!   shard's next thread.
//!
//! A slot popped from one stack and pushed on another leaves any stale pop
//! on the first stack with a moved tag, so its CAS fails. Without `std`
//! there is no thread identity: every thread uses one shard and owns none.
//! Under loom, whose threads share one OS thread's thread-locals, the same.
//! The shard index is a policy, never needed for soundness; the ownership
//! of an index is what keeps a local list to one thread at a time.
//!
//! # Why each ordering is enough
//!
//! | where | ordering | why |
//! | --- | --- | --- |
//! | `try_get` in `get` | Acquire (the counter's) | reads from the release sequence headed by `unfreeze`'s Release store, which follows the value's write |
//! | the mark's first load in `get` (the hint) | Relaxed | decides only misses: a key not present at the load is not in the slab then |
//! | the mark's second load in `get` | Relaxed | holding a reference of the slot's current life L, the clearing of life L-1's mark happens-before the load (mark cleared, Release `put`, Acquire of the last put, Release push, Acquire pop, Release `unfreeze`, our Acquire `try_get`), so by coherence the load sees a value of life L; `present(g)` equals it only for `g == L` |
//! | marking a life present | Release | after `unfreeze`: a remover whose CAS reads it puts into the live word, never into the frozen one from before the `unfreeze` |
//! | clearing the mark (`remove`, `take`) | Acquire on success, Relaxed on failure | pairs with the marking; a failure does nothing |
//! | `put` in a guard's drop | Release, Acquire for the last (the counter's) | every access under the guard happens-before the drop of the value |
//! | `freeze(1)` in `take`, and `put_expecting_last` in `remove` and `Pool::clear` | Acquire (the counter's) | the taker owns the value after every guard's Release `put` (each heads a release sequence the CAS reads from) |
//! | `skip_generation` for an unused `VacantEntry` | Relaxed CAS | frozen to frozen, owned by the dropper: no value is written or read in the spent life; a stale `get`'s `try_get` fails whatever the generation, and the next owner's `unfreeze` is the Release that publishes the next value |
//! | free-list push | Release CAS | the value's drop (or move) happens-before the next owner's writes |
//! | free-list pop | Acquire load and CAS | pairs with the push; the link read is Relaxed, made safe by the tag |
//! | remote-stack push | Release CAS | as the free-list push |
//! | local list | plain memory, no ordering | one thread at a time: the owner whose epoch is installed on it, or a steal that holds it locked. One user's accesses happen-before the next's: an exited owner's through its index's epoch (Release at exit, Acquire at the next claim, or at the steal's read of the epoch), a steal's through its Release unlock and the next user's Acquire CAS. So in the second load's chain above, a push and pop through a local list order as the stack's Release push and Acquire pop do |
//! | an index's epoch | Acquire CAS to claim (after a Relaxed load that skips owned ones), Release store at exit, Acquire load by a steal | what the last owner wrote to the index's local lists (in every slab) happens-before the next owner's or a steal's accesses |
//! | a list's epoch | Relaxed load by its owner (it alone writes its epoch, and no steal moves a live owner's); Acquire CAS to install or lock, Release store to unlock | exclusion between the list's owner and steals, and the hand-over between them |
//! | taking the remote stack | Acquire swap (after a Relaxed load that skips an empty one) | reads the last push, and every earlier push heads a release sequence it belongs to, so the whole chain's slots and links are seen as their freers left them; the chain then goes on the own stack by a Release CAS, for its next pops |
//! | a run's word, the never-used counter | Relaxed loads and CASes | they only deal out distinct indices; a never-used slot is as its page was made, published by the page pointer |
//! | the taker's shard in `link`, and the count of shards in use | Relaxed | policy: any value picks a stack, never a wrong slot; the shard is read by whoever frees the slot, after the value's Release/Acquire chain |
//! | page pointer | Release CAS to publish, Acquire loads | a page's slots are seen initialised |
//!
//! # Differences from sharded-slab
//!
//! sharded-slab 0.1.7 with its `DefaultConfig`, against this crate:
//!
//! | | sharded-slab | frozen-slab | why |
//! | --- | --- | --- | --- |
//! | API | `Slab<T, C = DefaultConfig>`: `new`, `new_with_config`, `insert`, `vacant_entry`, `get`, `get_owned`, `contains`, `remove`, `take`, `unique_iter`, `USED_BITS`; `Entry`, `OwnedEntry`, `VacantEntry`, `UniqueIter` (each with `C`) | the same, with the same `C` parameter and default, plus [`with_max_slots`](crate::Slab::with_max_slots), [`with_max_slots_and_config`](crate::Slab::with_max_slots_and_config) and [`MAX_SLOTS`](crate::Slab::MAX_SLOTS); [`Slab::new`] and [`Slab::new_with_config`] are `const fn`s; `UniqueIter` also has the default | code switches with its `use` line, also code generic over `C: Config` |
//! | `Pool` and `Clear` | `Pool<T: Clear + Default, C>`, `pool::{Ref, RefMut, OwnedRef, OwnedRefMut}`, `Clear` | [`Pool`](crate::Pool) `<T: Clear + Default, C>` with the same methods and guards (and `C`), and the same `Clear` impls; where its semantics differ: the [`pool`](crate::pool) module | the same slots, pages and free lists as `Slab` |
//! | [`Config`](crate::Config) and [`DefaultConfig`](crate::DefaultConfig) | `MAX_THREADS`, `MAX_PAGES`, `INITIAL_PAGE_SIZE`, `RESERVED_BITS`: the shards, their pages, and bits left to the user | the same trait, constants and defaults; `RESERVED_BITS` kept (keys leave the top bits clear, lookups ignore them); the other three accepted and ignored | no thread limit and shared pages: nothing for them to set; the capacity is `with_max_slots` |
//! | `RESERVED_BITS` out of range | a panic in `new_with_config` | a compile-time error (more than 30) | the mask is a constant of the config type |
//! | generations per slot before a stale key aliases | 2^13 - 1 (the bits left in a 64-bit key; it counts modulo its largest value), 2^(13 - R) - 1 with `RESERVED_BITS = R` | 2^32, 2^(32 - R) with `RESERVED_BITS = R` (a `Pool`: 2 lives fewer across the refcount's wrap) | `Tagged` carries a 32-bit generation, and the key has room for it; reserved bits come out of it, as in sharded-slab |
//! | threads | at most 4096 live threads, one shard each; the thread id is in the key | no limit; the first 16 live threads own a shard each, and threads beyond share the shards' atomic free lists | no thread id in the key: the shards are only free lists |
//! | local and remote frees | a slot belongs to its inserting thread's shard; a free by that thread goes on its local (unsynchronised) list, a free from another thread on the shard's remote list | the same while the inserting thread owns its shard (its local list holds up to 16 slots, more go on the shard's stack); a thread that shares a shard frees to its stack; once the slab's never-used slots are spent, any shard's insert may take a freed slot, except from a live owner's local list | the shard is recorded in the slot, not the key |
//! | memory | each thread's shard grows its own pages | shards take never-used slots in runs of 16 from shared pages; a shard reuses its own freed slots, and takes new ones before another shard's freed ones (up to the slab's limit) | two threads' slots are never neighbours |
//! | `insert` on a nearly full slab | `None` when the thread's shard is full | `None` when no slot is free but those other live threads keep in their local lists (at most 16 each); a slot freed (or a run claimed) on another shard while the insert scans can be missed | a local list is its owner's alone; the scan is a snapshot of 16 shards |
//! | capacity | set by a `Config` type (pages, first page size, thread bits), per thread | at most [`Slab::MAX_SLOTS`] (just under 2^32), or fewer with [`Slab::with_max_slots`]; a `Config`'s page geometry is ignored | the key's 32-bit index; sharded-slab's per-thread geometry has no total to map to |
//! | too many guards on one value | `get` returns `None` at the reference limit | past 2^30 guards the count saturates: `get` still succeeds, and the value is never dropped (it leaks) | frozen-refcount's sticky saturation, like Linux's `refcount_t` |
//! | who drops a removed value | the last guard's drop, or `remove`/`take` | the same, or a concurrent `get`/`get_owned` that returns `None` (above) | `get` takes its reference before it validates the key |
//! | `Slab<T>: Sync` | `T: Sync` | `T: Send + Sync` | whichever thread drops the last guard drops the value |
//! | `no_std` | needs `std` (thread ids) | `no_std` + `alloc` | |
//! | feature `std` | | default: per-thread free-list shards (through a thread-local) and a `take` that yields while it waits; without it one free list for all threads and a `take` that only spins | thread identity needs `std` |
//! | targets | 32- and 64-bit | 64-bit only (a compile error elsewhere) | a key packs 32 + 32 bits into a `usize` |
//! | `Debug` for `Slab` | shows the shards and the configuration (`T: Debug`) | shows nothing of the contents (any `T`) | a concurrent slab has no consistent view to print |
//!
//! The same as sharded-slab: `insert` returns `None` when full (and the
//! value is dropped); `remove` never blocks, and the value is dropped with
//! the last guard; `take` waits for every guard (so calling it while the
//! same thread holds a guard for that key never returns); `get`,
//! `contains`, `remove` and `take` miss a removed key; memory is returned
//! only when the slab is dropped; `unique_iter` needs `&mut`; the key of a
//! `VacantEntry` dropped unused is never handed out again. A value whose
//! `Drop` panics: the panic reaches whoever dropped it (the last guard's
//! drop, `remove`, or a missing `get`), and its slot is recycled all the
//! same. Dropping the slab drops every value even when one panics, as a
//! `Vec` does: the rest are dropped during the unwinding, then the panic
//! goes on (a second panic during that unwinding aborts, as for a `Vec`).
//!
//! # The hot path in machine code
//!
//! `get` plus the guard's drop, with `T = u64`, compiles on x86_64 to two
//! `lock xadd` (the `try_get` and the `put`), each followed by a test of
//! the counter's state; before the first, the page lookup (`bsr` of
//! `index + 32`, a bounds check, the page pointer's load) and the mark's
//! first check; between them, the mark again and the value's load. No loop
//! and no CAS inline: the slow paths (the last put, a `try_get` that met a
//! frozen or saturated word, a put-back after a failed re-check) are
//! out-of-line calls. The repository keeps that listing for each target it
//! builds (x86_64, aarch64 with and without LSE, riscv64, ...) and checks
//! it in CI: at most two read-modify-writes on any path of `get` + drop.
//!
//! [`FrozenRefcount`]: frozen_refcount::FrozenRefcount
//! [`Tagged`]: frozen_refcount::Tagged
//! [`Slab`]: crate::Slab
//! [`Slab::get`]: crate::Slab::get
//! [`Slab::new`]: crate::Slab::new
//! [`Slab::new_with_config`]: crate::Slab::new_with_config
//! [`Slab::MAX_SLOTS`]: crate::Slab::MAX_SLOTS
//! [`Slab::with_max_slots`]: crate::Slab::with_max_slots
