//! The one batching loop: every command that processes many units goes through [`run`]:
//! `run` and `validate` (the catalogue's files, then its stream documents), `convert` (the
//! documents or files read from standard input) and `fix` (the record files).
//!
//! Units are pulled from a source (an iterator) into batches bounded by a count and,
//! optionally, by bytes ([`Bounds`]). Each batch is processed on the threads of the current
//! rayon pool, while one of them hands the results of the batch before it to a [`Sink`], in
//! the order of the units, then reads the batch after it from the source (`rayon::join`).
//! So no core waits for the reading or the writing, the output is in input order whatever
//! the number of threads, and memory holds three batches whatever the length of the source
//! (the units being read, the units being processed, the results being taken).
//!
//! The sink is what a command does with each result: the engine keeps findings and outlines
//! and stages the exports, `convert` writes standard output, `fix` writes or diffs each
//! file. One loop and several sinks, as ripgrep's searcher feeds its printers.
//!
//! The sink and the source are used by one thread at a time, never two at once, but not
//! always the calling thread: they must be `Send` (standard output is passed unlocked, as
//! `Stdout`, for that). Taking them on the calling thread instead, beside a full pool
//! (`rayon::in_place_scope`), ran one thread more than there are cores: `validate` of
//! 100,000 records was about 3 % slower in wall time for the same instructions (BENCHMARKS.md).

use rayon::prelude::*;

/// What receives the result of every unit, in the order of the units, one at a time.
pub trait Sink<T> {
    /// Why the sink cannot go on; it stops the loop and is returned by [`run`].
    type Error;

    /// Take the result of the next unit.
    fn take(&mut self, done: T) -> Result<(), Self::Error>;
}

/// How big a batch is: at most `units` units, and, with a byte bound, it ends with the unit
/// that brings it to that many bytes or more.
pub struct Bounds<U> {
    units: usize,
    bytes: Option<ByteBound<U>>,
}

/// The bytes a batch may reach, and how the bytes of a unit are counted.
struct ByteBound<U> {
    max: usize,
    size: fn(&U) -> usize,
}

impl<U> Bounds<U> {
    /// Batches of at most `units` units (at least one).
    pub fn units(units: usize) -> Self {
        Bounds {
            units: units.max(1),
            bytes: None,
        }
    }

    /// Batches that also end once their units' sizes (as `size` counts them) add up to
    /// `bytes` or more: a batch of large units holds fewer of them.
    pub fn and_bytes(self, bytes: usize, size: fn(&U) -> usize) -> Self {
        Bounds {
            bytes: Some(ByteBound { max: bytes, size }),
            ..self
        }
    }
}

/// Process every unit of `source` with `work` on the current rayon pool, a batch at a time,
/// and hand each result to `sink` in the order of the units.
///
/// `between` is called on the calling thread before each batch is processed and once after
/// the last results were taken, with the number of units the sink has taken since its
/// previous call: progress is reported there, and an error from it (an interruption) stops
/// the loop before the next batch and is returned. An error from the sink stops the loop at
/// once and is returned (the batch being processed is dropped). An error from the source
/// ends it: the units before the error are processed and taken, then the error is returned.
pub fn run<U, T, E>(
    source: impl Iterator<Item = Result<U, E>> + Send,
    bounds: Bounds<U>,
    work: impl Fn(U) -> T + Sync,
    sink: &mut (impl Sink<T, Error = E> + Send),
    mut between: impl FnMut(usize) -> Result<(), E>,
) -> Result<(), E>
where
    U: Send,
    T: Send,
    E: Send,
{
    let mut source = Source {
        units: source,
        bounds,
        ended: false,
        failed: None,
    };
    let work = &work;
    let mut batch = source.next_batch();
    // The results of the batch before `batch`, not yet taken.
    let mut results: Vec<T> = Vec::new();
    let mut taken = 0;
    while !batch.is_empty() {
        between(taken)?;
        let previous = std::mem::take(&mut results);
        taken = previous.len();
        let (processed, (fed, next)) = rayon::join(
            || batch.into_par_iter().map(work).collect(),
            || {
                let fed = take_all(sink, previous);
                let next = match fed {
                    Ok(()) => source.next_batch(),
                    Err(_) => Vec::new(),
                };
                (fed, next)
            },
        );
        fed?;
        results = processed;
        batch = next;
    }
    let last = results.len();
    take_all(sink, results)?;
    between(taken + last)?;
    match source.failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn take_all<T, E>(sink: &mut impl Sink<T, Error = E>, results: Vec<T>) -> Result<(), E> {
    for done in results {
        sink.take(done)?;
    }
    Ok(())
}

/// The units not read yet; never asked again once it has ended or failed.
struct Source<I, U, E> {
    units: I,
    bounds: Bounds<U>,
    ended: bool,
    /// The error that ended it, returned once the units before it are taken.
    failed: Option<E>,
}

impl<I: Iterator<Item = Result<U, E>>, U, E> Source<I, U, E> {
    /// The next batch: empty when the source has ended (or failed).
    fn next_batch(&mut self) -> Vec<U> {
        let mut batch = Vec::new();
        let mut bytes = 0usize;
        while !self.ended && batch.len() < self.bounds.units {
            match self.units.next() {
                Some(Ok(unit)) => {
                    if let Some(bound) = &self.bounds.bytes {
                        bytes = bytes.saturating_add((bound.size)(&unit));
                        batch.push(unit);
                        if bytes >= bound.max {
                            break;
                        }
                    } else {
                        batch.push(unit);
                    }
                }
                Some(Err(e)) => {
                    self.failed = Some(e);
                    self.ended = true;
                }
                None => self.ended = true,
            }
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    use super::*;

    /// Keeps what it takes; fails on the unit `fail_at` if given.
    #[derive(Default)]
    struct Keep {
        taken: Vec<u64>,
        fail_at: Option<u64>,
    }

    impl Keep {
        fn new() -> Self {
            Keep::default()
        }
    }

    impl Sink<u64> for Keep {
        type Error = String;
        fn take(&mut self, done: u64) -> Result<(), String> {
            if self.fail_at == Some(done) {
                return Err(format!("refused {done}"));
            }
            self.taken.push(done);
            Ok(())
        }
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    /// Work whose cost varies from unit to unit, so that later units often finish first.
    fn uneven(i: u64) -> u64 {
        let spins = (i * 7919) % 2000;
        let mut x = i;
        for _ in 0..spins {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        std::hint::black_box(x);
        i
    }

    /// The results taken, in order, and the sum of what `between` reported.
    fn taken_in_order(threads: usize, units: u64, batch: usize) -> (Vec<u64>, usize) {
        pool(threads).install(|| {
            let mut sink = Keep::new();
            let mut reported = 0;
            run(
                (0..units).map(Ok),
                Bounds::units(batch),
                uneven,
                &mut sink,
                |n| {
                    reported += n;
                    Ok(())
                },
            )
            .unwrap();
            (sink.taken, reported)
        })
    }

    #[test]
    fn results_come_in_input_order_with_many_batches_and_threads() {
        let expected: Vec<u64> = (0..10_000).collect();
        for threads in [1, 2, 4] {
            let (taken, reported) = taken_in_order(threads, 10_000, 64);
            assert!(taken == expected, "{threads} threads: out of order");
            assert_eq!(reported, 10_000, "{threads} threads");
        }
    }

    #[test]
    fn the_sink_takes_one_result_at_a_time() {
        /// Fails the test if two threads are in `take` at once.
        struct Alone(AtomicBool, usize);
        impl Sink<u64> for Alone {
            type Error = String;
            fn take(&mut self, _: u64) -> Result<(), String> {
                assert!(!self.0.swap(true, Ordering::SeqCst), "two takes at once");
                std::hint::black_box(uneven(self.1 as u64));
                self.1 += 1;
                self.0.store(false, Ordering::SeqCst);
                Ok(())
            }
        }
        let taken = pool(3).install(|| {
            let mut sink = Alone(AtomicBool::new(false), 0);
            run(
                (0..1000u64).map(Ok),
                Bounds::units(10),
                uneven,
                &mut sink,
                |_| Ok(()),
            )
            .unwrap();
            sink.1
        });
        assert_eq!(taken, 1000);
    }

    /// How many units the source had given each time `between` was called: the source is
    /// read one batch ahead, so before batch k it has given batches 1..=k.
    fn pulled_at_each_batch(sizes: &[usize], bounds: Bounds<usize>) -> Vec<usize> {
        pool(2).install(|| {
            let pulled = AtomicUsize::new(0);
            let mut seen = Vec::new();
            let mut sink = Keep::new();
            run(
                sizes.iter().map(|&s| {
                    pulled.fetch_add(1, Ordering::SeqCst);
                    Ok(s)
                }),
                bounds,
                |s| s as u64,
                &mut sink,
                |_| {
                    seen.push(pulled.load(Ordering::SeqCst));
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(sink.taken.len(), sizes.len());
            seen
        })
    }

    #[test]
    fn a_batch_ends_with_the_unit_that_reaches_the_byte_bound() {
        // 4 + 4 + 4 ≥ 10 ends the first batch, 5 + 5 = 10 the second; a big unit is a batch
        // by itself, then the rest.
        let sizes = [4, 4, 4, 5, 5, 30, 1, 1];
        let seen = pulled_at_each_batch(&sizes, Bounds::units(100).and_bytes(10, |s| *s));
        // Before each of the four batches, then once at the end.
        assert_eq!(seen, [3, 5, 6, 8, 8]);
    }

    #[test]
    fn a_batch_holds_at_most_its_count_of_units() {
        let sizes = [1; 7];
        let seen = pulled_at_each_batch(&sizes, Bounds::units(3).and_bytes(1000, |s| *s));
        assert_eq!(seen, [3, 6, 7, 7]);
        let seen = pulled_at_each_batch(&sizes, Bounds::units(3));
        assert_eq!(seen, [3, 6, 7, 7]);
    }

    #[test]
    fn an_error_from_the_sink_stops_the_loop_and_is_returned() {
        let (result, taken, pulled) = pool(2).install(|| {
            let pulled = AtomicU64::new(0);
            let mut sink = Keep::new();
            sink.fail_at = Some(15);
            let result = run(
                (0..100u64).map(|i| {
                    pulled.store(i + 1, Ordering::SeqCst);
                    Ok(i)
                }),
                Bounds::units(10),
                |i| i,
                &mut sink,
                |_| Ok(()),
            );
            (result, sink.taken, pulled.load(Ordering::SeqCst))
        });
        assert_eq!(result, Err("refused 15".to_string()));
        assert_eq!(taken, (0..15).collect::<Vec<_>>());
        // Unit 15 is taken while batch 3 (20..30) is processed; nothing after is read.
        assert_eq!(pulled, 30);
    }

    #[test]
    fn the_hook_between_batches_can_stop_the_loop() {
        let processed = AtomicUsize::new(0);
        let (result, taken, calls) = pool(2).install(|| {
            let mut sink = Keep::new();
            let mut calls = Vec::new();
            let result = run(
                (0..100u64).map(Ok),
                Bounds::units(10),
                |i| {
                    processed.fetch_add(1, Ordering::Relaxed);
                    i
                },
                &mut sink,
                |taken| {
                    calls.push(taken);
                    if calls.len() == 3 {
                        return Err("interrupted".to_string());
                    }
                    Ok(())
                },
            );
            (result, sink.taken, calls)
        });
        assert_eq!(result, Err("interrupted".to_string()));
        // Before batch 1 nothing was taken, before batch 2 neither (batch 1 is taken while
        // batch 2 is processed), before batch 3 batch 1's ten units: then it stopped, with
        // batch 3 never processed and batch 2's results never taken.
        assert_eq!(calls, [0, 0, 10]);
        assert_eq!(processed.load(Ordering::Relaxed), 20);
        assert_eq!(taken, (0..10).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_from_the_source_comes_after_the_units_before_it() {
        let (result, taken, read_past) = pool(2).install(|| {
            let after = AtomicBool::new(false);
            let source = (0..25u64)
                .map(Ok)
                .chain(std::iter::once(Err("bad line".to_string())))
                .chain(std::iter::from_fn(|| {
                    after.store(true, Ordering::SeqCst);
                    Some(Ok(99))
                }));
            let mut sink = Keep::new();
            let result = run(source, Bounds::units(10), |i| i, &mut sink, |_| Ok(()));
            (result, sink.taken, after.load(Ordering::SeqCst))
        });
        assert_eq!(result, Err("bad line".to_string()));
        assert_eq!(taken, (0..25).collect::<Vec<_>>());
        assert!(!read_past, "the source was read past its error");
    }

    #[test]
    fn an_empty_source_calls_the_hook_once() {
        let mut sink = Keep::new();
        let mut calls = Vec::new();
        run(
            std::iter::empty::<Result<u64, String>>(),
            Bounds::units(10),
            |i: u64| -> u64 { panic!("no unit to process: {i}") },
            &mut sink,
            |n| {
                calls.push(n);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(calls, [0]);
        assert!(sink.taken.is_empty());
    }
}
