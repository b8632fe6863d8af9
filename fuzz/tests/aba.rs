//! The put/put ABA through the `interleave` harness:
//! the real protocol, stepped by the scheduler. `HighBit` (and every untagged
//! frozen encoding) shows it; `Tagged` and `Classic` never do.
//!
//! Thread 0 holds the only reference and `put`s it; thread 1 is a speculative
//! reader that takes a reference, drops it (getting `Last`, so it frees the
//! object), reuses the slot (`unfreeze(1)`) and drops that reference too.

use frozen_refcount_fuzz::interleave::{run, Kind, Scenario, TOp, ENCODINGS};

fn scenario(encoding: &str, schedule: Vec<u8>) -> Scenario {
    Scenario {
        encoding: ENCODINGS.iter().position(|&e| e == encoding).unwrap(),
        start: 1,
        programs: vec![
            vec![TOp::Put],
            vec![TOp::TryGet, TOp::Put, TOp::Unfreeze(1), TOp::Put],
        ],
        schedule,
    }
}

/// The checked-in input `corpus/interleave/aba-highbit`: thread 0 subtracts
/// (1 -> 0) and is preempted; thread 1 takes its five steps (try_get 0 -> 1,
/// put 1 -> 0, CAS 0 -> FROZEN = Last, unfreeze's store, put 1 -> 0); thread
/// 0's CAS 0 -> FROZEN then succeeds: `Last` for a life it never held.
fn aba_schedule(tagged: bool) -> Vec<u8> {
    // unfreeze is one store, plus a load for Tagged (the generation) and in
    // builds with debug assertions (the misuse check).
    let unfreeze_steps = 1 + (tagged || cfg!(debug_assertions)) as usize;
    let mut s = vec![0];
    s.extend(std::iter::repeat_n(1, 4 + unfreeze_steps));
    s.push(0);
    s
}

#[test]
fn highbit_shows_the_put_put_aba() {
    let sc = scenario("HighBit<u32>", aba_schedule(false));
    let v = run(&sc).expect_err("HighBit: the ABA schedule must be caught");
    assert_eq!(v.kind, Kind::Aba, "{v}");
    assert!(v.what.contains("thread 0 Put got Last for life 1"), "{v}");
    if !cfg!(debug_assertions) {
        // The checked-in corpus input is the release-build schedule.
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/interleave/aba-highbit"
        ))
        .unwrap();
        assert_eq!(Scenario::decode(&bytes), sc);
    }
}

#[test]
fn tagged_does_not_show_it() {
    let sc = scenario("Tagged", aba_schedule(true));
    assert_eq!(run(&sc), Ok(()));
}

/// Every schedule of the scenario (each of up to 10 steps picks a thread):
/// the untagged frozen encodings show the ABA for some of them, and nothing
/// else ever fails; `Tagged` and `Classic` pass them all.
#[test]
fn every_schedule_of_the_scenario() {
    for (e, &name) in ENCODINGS.iter().enumerate() {
        let mut aba = 0;
        for bits in 0u32..1 << 10 {
            let schedule = (0..10).map(|i| (bits >> i & 1) as u8).collect();
            let mut sc = scenario(name, schedule);
            sc.encoding = e;
            match run(&sc) {
                Ok(()) => {}
                Err(v) if v.kind == Kind::Aba && sc.aba_by_design() => aba += 1,
                Err(v) => panic!("{name} schedule {bits:#b}: {v}"),
            }
        }
        assert_eq!(aba > 0, sc_has_aba(name), "{name}: {aba} ABA schedules");
    }
}

fn sc_has_aba(name: &str) -> bool {
    !matches!(name, "Tagged" | "Classic<u32>")
}
