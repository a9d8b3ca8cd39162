//! The hybrid logical clock that orders every change in a team (SPEC §12).
//!
//! A stamp is the physical time in milliseconds, a logical counter for changes made within
//! the same millisecond (or while the wall clock lags behind a stamp already seen), and the
//! workstation's id as the final tie-break, so two stamps are never equal unless they came
//! from the same workstation's same tick. The order is total: derived `Ord` compares the
//! fields in declaration order.
//!
//! A stamp alone does not prove that one change saw another (two workstations can tick
//! without ever talking); rules that need "saw" name the operation they followed instead
//! (see `domain::ops`).

use serde::{Deserialize, Serialize};

use super::Id;

/// How far ahead of this workstation's own clock another's stamp may be and still move
/// it: 10 minutes, the same bound the hub holds every pushed change to. A stamp further
/// ahead (a computer with its clock years out, or a hostile row) is kept and ordered by,
/// but never drags this clock after it, so this workstation's own changes stay stamped
/// near the real time and the hub keeps taking them.
pub const MAX_AHEAD_MS: u64 = 10 * 60 * 1000;

/// One stamp: compares by `millis`, then `counter`, then `node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hlc {
    /// Physical time, milliseconds since the Unix epoch.
    pub millis: u64,
    /// Changes stamped within the same `millis`.
    pub counter: u32,
    /// The workstation that made the stamp.
    pub node: Id,
}

impl Hlc {
    /// The smallest stamp a workstation can have: before any change it makes.
    pub fn zero(node: Id) -> Hlc {
        Hlc {
            millis: 0,
            counter: 0,
            node,
        }
    }

    /// The stamp right after `(millis, counter)`: the counter goes up, and when it is full
    /// the time moves on by one millisecond instead, so a stamp never repeats.
    fn successor(millis: u64, counter: u32, node: Id) -> Hlc {
        match counter.checked_add(1) {
            Some(counter) => Hlc {
                millis,
                counter,
                node,
            },
            None => Hlc {
                millis: millis.saturating_add(1),
                counter: 0,
                node,
            },
        }
    }
}

/// A workstation's clock: remembers the last stamp it gave or saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    pub fn new(node: Id) -> HlcClock {
        HlcClock {
            last: Hlc::zero(node),
        }
    }

    /// Resumes from the last stamp kept (for example, the newest in the operation log).
    pub fn resume(last: Hlc) -> HlcClock {
        HlcClock { last }
    }

    /// As `resume`, at wall-clock time `now_ms`: a kept stamp further ahead than
    /// [`MAX_AHEAD_MS`] (a clock dragged into the future before stamps were bounded) is
    /// let go, so that the next stamps are near the real time again and the hub takes them.
    /// Changes made since then are ordered before the ones stamped in the future.
    pub fn resume_at(last: Hlc, now_ms: u64) -> HlcClock {
        if last.millis > now_ms.saturating_add(MAX_AHEAD_MS) {
            return HlcClock::new(last.node);
        }
        HlcClock { last }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }

    pub fn node(&self) -> Id {
        self.last.node
    }

    /// A stamp for a local change at wall-clock time `now_ms`: later than every stamp this
    /// clock has given or seen, even when the wall clock went backwards.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        let node = self.last.node;
        self.last = if now_ms > self.last.millis {
            Hlc {
                millis: now_ms,
                counter: 0,
                node,
            }
        } else {
            Hlc::successor(self.last.millis, self.last.counter, node)
        };
        self.last
    }

    /// Takes in a stamp from another workstation at wall-clock time `now_ms`, and returns
    /// the stamp of this receipt: later than both the remote stamp and everything before.
    /// A remote stamp more than [`MAX_AHEAD_MS`] ahead of `now_ms` does not move the clock:
    /// the receipt is stamped as a local tick.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) -> Hlc {
        if remote.millis > now_ms.saturating_add(MAX_AHEAD_MS) {
            return self.tick(now_ms);
        }
        let node = self.last.node;
        let local = self.last;
        let millis = local.millis.max(remote.millis).max(now_ms);
        self.last = if millis == local.millis && millis == remote.millis {
            Hlc::successor(millis, local.counter.max(remote.counter), node)
        } else if millis == local.millis {
            Hlc::successor(millis, local.counter, node)
        } else if millis == remote.millis {
            Hlc::successor(millis, remote.counter, node)
        } else {
            Hlc {
                millis,
                counter: 0,
                node,
            }
        };
        self.last
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn node(n: u8) -> Id {
        uuid::Uuid::from_bytes([n; 16])
    }

    #[test]
    fn a_stamp_far_ahead_never_drags_the_clock_after_it() {
        let now = 1_765_000_000_000;
        let mut clock = HlcClock::new(node(1));
        let far = Hlc {
            millis: u64::MAX,
            counter: u32::MAX,
            node: node(2),
        };
        let got = clock.observe(far, now);
        assert_eq!((got.millis, got.counter), (now, 0));
        // Within the bound, a colleague's clock a little ahead moves this one.
        let ahead = Hlc {
            millis: now + MAX_AHEAD_MS - 1,
            counter: 3,
            node: node(2),
        };
        assert_eq!(clock.observe(ahead, now).millis, now + MAX_AHEAD_MS - 1);
        // A clock dragged into the future before the bound comes back to the real time.
        let pinned = Hlc {
            millis: 4_102_444_800_000, // 2100-01-01
            counter: 7,
            node: node(1),
        };
        let mut resumed = HlcClock::resume_at(pinned, now);
        assert_eq!(resumed.tick(now).millis, now);
        let mut near = HlcClock::resume_at(ahead, now);
        assert!(
            near.tick(now) > ahead,
            "a stamp within the bound is still resumed"
        );
    }

    proptest! {
        /// Whatever stamps arrive, the clock never panics, never goes backwards, and
        /// never ends further ahead of the wall clock than the bound.
        #[test]
        fn no_stamp_can_overflow_or_pin_the_clock(
            remotes in proptest::collection::vec((any::<u64>(), any::<u32>()), 1..20),
            start in 0u64..4_000_000_000_000,
        ) {
            let mut clock = HlcClock::new(node(1));
            let mut before = clock.last();
            for (at, (millis, counter)) in remotes.into_iter().enumerate() {
                let now = start + at as u64;
                let got = clock.observe(Hlc { millis, counter, node: node(2) }, now);
                prop_assert!(got > before);
                prop_assert!(got.millis <= now + MAX_AHEAD_MS + 1);
                before = got;
            }
        }
    }

    #[test]
    fn ticks_within_one_millisecond_count_up() {
        let mut clock = HlcClock::new(node(1));
        let a = clock.tick(100);
        let b = clock.tick(100);
        let c = clock.tick(101);
        assert_eq!((a.millis, a.counter), (100, 0));
        assert_eq!((b.millis, b.counter), (100, 1));
        assert_eq!((c.millis, c.counter), (101, 0));
    }

    #[test]
    fn a_wall_clock_going_backwards_never_repeats_a_stamp() {
        let mut clock = HlcClock::new(node(1));
        let a = clock.tick(500);
        let b = clock.tick(20);
        assert!(b > a);
        assert_eq!(b.millis, 500);
    }

    #[test]
    fn observing_a_stamp_from_the_future_moves_past_it() {
        let mut clock = HlcClock::new(node(1));
        clock.tick(100);
        let remote = Hlc {
            millis: 900,
            counter: 7,
            node: node(2),
        };
        let seen = clock.observe(remote, 150);
        assert_eq!((seen.millis, seen.counter), (900, 8));
        assert!(clock.tick(160) > remote);
    }

    #[test]
    fn a_full_counter_moves_time_on() {
        let mut clock = HlcClock::resume(Hlc {
            millis: 10,
            counter: u32::MAX,
            node: node(1),
        });
        let next = clock.tick(5);
        assert_eq!((next.millis, next.counter), (11, 0));
    }

    #[test]
    fn the_workstation_breaks_ties() {
        let a = Hlc {
            millis: 1,
            counter: 1,
            node: node(1),
        };
        let b = Hlc { node: node(2), ..a };
        assert!(a < b);
        assert_ne!(a, b);
    }

    #[test]
    fn stamps_survive_a_round_trip_through_the_store_encoding() {
        let stamp = Hlc {
            millis: 1_763_600_000_000,
            counter: 3,
            node: crate::domain::new_id(),
        };
        let bytes = rmp_serde::to_vec_named(&stamp).unwrap();
        let back: Hlc = rmp_serde::from_slice(&bytes).unwrap();
        assert_eq!(back, stamp);
    }

    #[derive(Clone, Debug)]
    enum Event {
        Tick(u64),
        Observe(u64, u32, u8, u64),
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            (0u64..2_000).prop_map(Event::Tick),
            (0u64..2_000, any::<u32>(), 0u8..4, 0u64..2_000)
                .prop_map(|(m, c, n, now)| Event::Observe(m, c, n, now)),
        ]
    }

    proptest! {
        /// Whatever the wall clock and the remote stamps do, every stamp a clock gives is
        /// later than the one before and than every remote stamp it has observed, and it
        /// is never behind the wall clock.
        #[test]
        fn stamps_only_go_forward(events in proptest::collection::vec(event(), 1..60)) {
            let mut clock = HlcClock::new(node(9));
            let mut previous = clock.last();
            for event in events {
                let (stamp, now) = match event {
                    Event::Tick(now) => (clock.tick(now), now),
                    Event::Observe(millis, counter, n, now) => {
                        let remote = Hlc { millis, counter, node: node(n) };
                        let stamp = clock.observe(remote, now);
                        prop_assert!(
                            (stamp.millis, stamp.counter) > (remote.millis, remote.counter)
                        );
                        (stamp, now)
                    }
                };
                prop_assert!(stamp > previous);
                prop_assert!(stamp.millis >= now);
                prop_assert_eq!(stamp.node, node(9));
                previous = stamp;
            }
        }
    }
}
