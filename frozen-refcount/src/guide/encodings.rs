//! The encodings: where each keeps the count, the FROZEN state and the
//! generation, and how to choose one.
//!
//! [`FrozenRefcount<E, B>`](crate::FrozenRefcount) takes its encoding `E`
//! as a zero-sized marker type. Each is generic over the word (`u8`, `u16`,
//! `u32` by default, `u64`), except [`Tagged`], which is a `u64`. The
//! protocol is written once; an encoding only says where the bits are
//! (its [`Scheme`], with a [`FrozenMark`]), and every constant the protocol
//! needs is derived from that.
//!
//! # Choosing one
//!
//! | encoding | frozen when ([`FrozenMark`]) | zeroed memory is | a failed `try_get` | pick it when |
//! | --- | --- | --- | --- | --- |
//! | [`HighBit`] (the default) | the top bit is set ([`TopBitSet`](crate::FrozenMark::TopBitSet)) | a live zero: **not** frozen | garbage in the low bits, reset by one CAS near a limit | you want the design merged in the kernel series, and the cheapest test (two bits of the result) |
//! | [`LowBit`] | bit 0 is set; the count is stored `<< 1` ([`LowBitSet`](crate::FrozenMark::LowBitSet)) | a live zero | garbage never reaches bit 0: no reset ever | misused `put`s must never thaw a frozen word |
//! | [`ZeroLockedHigh`] | the LIVE bit (the top bit) is clear ([`TopBitClear`](crate::FrozenMark::TopBitClear)) | **frozen** | as `HighBit` | memory comes zero-filled (pages, `calloc`, `mem::zeroed`) |
//! | [`ZeroLockedLow`] | the LIVE bit (bit 0) is clear; `<< 1` ([`LowBitClear`](crate::FrozenMark::LowBitClear)) | **frozen** | no reset ever | zero-filled memory *and* immunity to misuse: the safest |
//! | [`Biased`] | the word, which stores `refs - 1`, is in its top zone ([`BiasedZone`](crate::FrozenMark::BiasedZone)) | one live reference | garbage in the frozen zone, reset near a limit | the fewest instructions: every fast-path test is the sign of the result (Linux `rcuref_t`) |
//! | [`Tagged`] (`u64`) | `HighBit<u32>` in the low half; a 32-bit generation in the high half | a live zero | as `HighBit` | objects are reused while a `put` may be preempted: it closes the put/put ABA ([contract](super::contract#what-holds-under-concurrency)) |
//! | [`Classic`] | the count is zero ([`ZeroCount`](crate::FrozenMark::ZeroCount)) | dead (frozen) | a load and a CAS loop that refuses zero; writes nothing | the baseline: today's `atomic_add_unless(v, 1, 0)`, for comparison |
//!
//! In short: [`HighBit`] unless one of these applies. Memory that arrives
//! zeroed (a frame table in a fresh `mmap`, `bytemuck::zeroed_slice_box`
//! with the `bytemuck` feature) wants a zero-locked encoding, which needs
//! no initialisation pass. Where a misused `put` must never be able to thaw
//! a frozen word, however many race, take a low-bit one ([`LowBit`],
//! [`ZeroLockedLow`]): no add or subtract of a count can reach bit 0, and
//! they need no garbage reset and have no reader bound. Where an object
//! is reused while a `put` of its previous life may still be running, take
//! [`Tagged`]. [`Biased`] has the shortest fast paths, and a reader bound
//! half the high-bit one.
//!
//! Every encoding saturates instead of wrapping, keeps exactly one `Last`
//! per life and follows the same [contract](super::contract); they differ
//! in the bounds ([the reader bound](super::contract#the-reader-bound)),
//! in what zeroed memory means, and in what a misused `put` can do.
//! [`Scheme::zeroed_is_frozen`] and [`Scheme::has_generation`] answer the
//! two questions generic code asks most.
//!
//! # Widths and limits
//!
//! | | 8 bits | 16 bits | 32 bits | 64 bits |
//! | --- | ---: | ---: | ---: | ---: |
//! | `MAX_COUNT`, all but `Biased` ([`Tagged`]: the 32-bit column) | 63 | 16,383 | 2^30 - 1 | 2^31 - 1 |
//! | `MAX_COUNT`, `Biased` | 128 | 32,768 | 2^31 | 2^31 |
//! | `MAX_MANY` | 2 | 512 | 4,096 | 4,096 |
//!
//! Counts are `u32` in the API, so a 64-bit word counts exactly up to
//! 2^31 - 1 (`Biased`: 2^31); its extra bits are margin.
//! [`FrozenRefcount::MAX_COUNT`](crate::FrozenRefcount::MAX_COUNT) and
//! [`MAX_MANY`](crate::FrozenRefcount::MAX_MANY) give the numbers for a
//! counter type.
//!
//! # The bits
//!
//! Every encoding with a state bit splits its *state field* (the whole word,
//! or the low 32 bits for [`Tagged`]) the same way, differing only in where
//! the state bit sits and which value of it means frozen (`B` is the width
//! of the state field):
//!
//! ```text
//!                 state bit   count field         band bit (saturation)  frozen when
//! HighBit<W>      MSB         bits 0..B-2         bit B-2                state bit set
//! LowBit<W>       bit 0       bits 1..B-1 (<<1)   MSB                    state bit set
//! ZeroLockedHigh  MSB         bits 0..B-2         bit B-2                state bit clear
//! ZeroLockedLow   bit 0       bits 1..B-1 (<<1)   MSB                    state bit clear
//! Tagged          bit 31      bits 0..30          bit 30                 state bit set; bits 32..64: generation
//! Classic<W>      (none)      bits 0..B-2         bit B-2                count == 0 (or MSB: underflow)
//! ```
//!
//! For 64-bit words the count field is capped at 31 bits; the band is then
//! every bit between the count field and the state bit.
//!
//! [`Biased`] (after Linux `rcuref_t`) stores `refs - 1` instead, so one
//! reference is 0 and "no reference" (the transient zero) is all ones; its
//! regions are zones of the whole word, and every fast-path test is the sign
//! of the result (`u32` figures in brackets):
//!
//! ```text
//! 0          ..= 2^(B-1)-1      live, refs 1..=2^(B-1)   [0x0000_0000..=0x7FFF_FFFF]
//! 2^(B-1)    ..  +2^(B-2)       saturated, re-centred on 2^(B-1)+2^(B-3)   [0xA000_0000]
//! +2^(B-2)   ..  2^B-1          frozen ("dead"), canonical 2^(B-1)+2^(B-2)+2^(B-3)   [0xE000_0000]
//! 2^B-1                         zero references (transient, inside the last put)   [0xFFFF_FFFF]
//! ```
//!
//! For `u64` the live zone stops at `2^31` (the API counts in `u32`), so the
//! fast-path test is `result < 2^31` there, not the sign.
//!
//! **Saturation.** A live word whose band bit is set (for [`Biased`]: in
//! the saturation zone) is saturated. Every operation that sees it re-centres
//! it on the middle of the band, so that it drifts neither into frozen nor
//! down to an exact count (Linux `refcount_t`).
//!
//! **Garbage.** A frozen word collects failed increments. For the high-bit
//! encodings and [`Biased`], garbage that drifts a quarter of the room above
//! the canonical frozen word away from it is reset by a CAS (retried only
//! while other failed increments keep moving the word), long before it
//! could carry into the state bit (the kernel's `_PAGEREF_LOCKED_LIMIT`);
//! the other three quarters are the readers' headroom, which is where [the
//! reader bound](super::contract#the-reader-bound) comes from. The low-bit
//! encodings add multiples of 2, which never touch bit 0, and need no
//! reset. The canonical frozen word of the high-bit encodings is the middle
//! of the frozen half, so that garbage (up) and misused puts (down) both
//! have room.
//!
//! **Zeroed memory and foreign words.** Every bit pattern is a counter in
//! some state, so memory written by someone else can be viewed as counters
//! as it is ([the table of bit patterns](crate::FrozenRefcount#bit-patterns)).
//! With the `bytemuck` feature, `FrozenRefcount<ZeroLockedHigh<W>, B>` and
//! `FrozenRefcount<ZeroLockedLow<W>, B>` are `bytemuck::Zeroable`, and only
//! they: for the other encodings a zeroed counter is a live count that any
//! `try_get` takes, a bug the type system can catch.
//!
//! # The fast paths
//!
//! What `try_get` compiles to on x86-64 with the default backend, for
//! `u32` words (a release build with rustc 1.95): one locked instruction
//! and no loop for every encoding but [`Classic`].
//!
//! | encoding | `try_get` |
//! | --- | --- |
//! | [`HighBit`], [`LowBit`], [`ZeroLockedHigh`], [`Tagged`] | `lock xadd`, then one compare of the result against the band (the state bit and the saturation band at once) |
//! | [`ZeroLockedLow`] | `lock xadd`, then a mask and a compare (the LIVE bit is set in every live word) |
//! | [`Biased`] | `lock incl` + `js`: the sign of the result, from the flags of the locked add |
//! | [`Classic`] | a load, then a `lock cmpxchg` loop that refuses zero |
//!
//! `put` is one `lock xadd` of minus one and a test for every encoding; only
//! the last `put` adds a `lock cmpxchg` (which [`Classic`], whose zero is
//! final, does not need). [`backends`](super::backends) says what the other
//! targets do.
//!
//! [`Scheme`]: crate::Scheme
//! [`Scheme::zeroed_is_frozen`]: crate::Scheme::zeroed_is_frozen
//! [`Scheme::has_generation`]: crate::Scheme::has_generation
//! [`FrozenMark`]: crate::FrozenMark
//! [`HighBit`]: crate::HighBit
//! [`LowBit`]: crate::LowBit
//! [`ZeroLockedHigh`]: crate::ZeroLockedHigh
//! [`ZeroLockedLow`]: crate::ZeroLockedLow
//! [`Biased`]: crate::Biased
//! [`Tagged`]: crate::Tagged
//! [`Classic`]: crate::Classic
