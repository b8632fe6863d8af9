//! A scenario, the fuzzer's input decoded: the encoding, the start, one
//! program of operations per logical thread, and the schedule that picks
//! which thread takes each atomic step.

/// The most logical threads a scenario has: enough for four speculative
/// readers piling garbage on a frozen word while its owner sits still.
pub const MAX_THREADS: usize = 5;

/// An operation of a logical thread's program. Operations that would be
/// misuse for that thread at that point (a `put` with no reference held, an
/// `unfreeze` by a non-owner) are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TOp {
    /// `try_get()`: a speculative reader.
    TryGet,
    /// `try_get_many(MAX_MANY)`: a speculative reader of a batch.
    TryGetMany,
    /// `get()`, holding a reference.
    Get,
    /// `put()` of one held reference.
    Put,
    /// `put_many(n)` of the references held, at most `MAX_MANY` (the most
    /// recently taken).
    PutAll,
    /// `freeze(n)` with the `n` references held.
    Freeze,
    /// `unfreeze(c)` by the owner (who got `Last` or froze it).
    Unfreeze(u32),
}

/// The encodings the scenario runs on (first input byte, modulo 10).
pub const ENCODINGS: [&str; 10] = [
    "HighBit<u32>",
    "HighBit<u8>",
    "LowBit<u32>",
    "ZeroLockedHigh<u32>",
    "ZeroLockedHigh<u8>",
    "ZeroLockedLow<u32>",
    "Classic<u32>",
    "Tagged",
    "Biased<u32>",
    "Biased<u8>",
];

/// A decoded input:
/// byte 0: encoding ([`ENCODINGS`], mod 10);
/// byte 1: `2 + bit 0 + 2 * bit 7` threads (2 to 5); `(b & 0x7F) >> 1) % 3`:
/// the start (0: frozen, owned by thread 0; 1: `new(1)` held by thread 0;
/// 2: `new(2)`, one each held by threads 0 and 1);
/// then per thread a length byte (mod 7) and that many op bytes (`b % 6`:
/// TryGet (TryGetMany if `b / 6` is odd), Get, Put, PutAll, Freeze,
/// Unfreeze(1 + b / 6 % 2));
/// the rest: the schedule, one byte per step, choosing among the threads
/// waiting for a turn (`b % waiting`, in thread order). When it runs out,
/// the lowest waiting thread goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Index into [`ENCODINGS`].
    pub encoding: usize,
    /// `start`: 0 frozen, 1 or 2 live references.
    pub start: u8,
    /// One program per thread.
    pub programs: Vec<Vec<TOp>>,
    /// The schedule bytes.
    pub schedule: Vec<u8>,
}

impl Scenario {
    /// Decodes fuzzer bytes (any input decodes).
    pub fn decode(data: &[u8]) -> Scenario {
        let mut it = data.iter().copied();
        let encoding = it.next().unwrap_or(0) as usize % ENCODINGS.len();
        let b = it.next().unwrap_or(0);
        let threads = 2 + (b & 1) as usize + 2 * (b >> 7) as usize;
        let start = ((b & 0x7F) >> 1) % 3;
        let programs = (0..threads)
            .map(|_| {
                let len = it.next().unwrap_or(0) % 7;
                (0..len)
                    .map_while(|_| it.next())
                    .map(|b| match b % 6 {
                        0 if (b / 6) % 2 == 1 => TOp::TryGetMany,
                        0 => TOp::TryGet,
                        1 => TOp::Get,
                        2 => TOp::Put,
                        3 => TOp::PutAll,
                        4 => TOp::Freeze,
                        _ => TOp::Unfreeze(1 + (b as u32 / 6) % 2),
                    })
                    .collect()
            })
            .collect();
        Scenario {
            encoding,
            start,
            programs,
            schedule: it.collect(),
        }
    }

    /// Encodes back to bytes (for checked-in seeds and tests).
    pub fn encode(&self) -> Vec<u8> {
        let extra = self.programs.len().clamp(2, MAX_THREADS) - 2;
        let mut v = vec![
            self.encoding as u8,
            ((extra / 2) << 7) as u8 | ((self.start % 3) << 1) | (extra % 2) as u8,
        ];
        for p in &self.programs {
            v.push(p.len() as u8);
            v.extend(p.iter().map(|op| match op {
                TOp::TryGet => 0u8,
                TOp::TryGetMany => 6,
                TOp::Get => 1,
                TOp::Put => 2,
                TOp::PutAll => 3,
                TOp::Freeze => 4,
                TOp::Unfreeze(c) => 5 + 6 * ((c - 1) % 2) as u8,
            }));
        }
        v.extend(&self.schedule);
        v
    }

    /// Whether the encoding has the put/put ABA by design (all but `Tagged`
    /// and `Classic`).
    pub fn aba_by_design(&self) -> bool {
        !matches!(ENCODINGS[self.encoding], "Tagged" | "Classic<u32>")
    }
}
