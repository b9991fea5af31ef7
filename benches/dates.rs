//! Throughput of `normalize_date` on the forms catalogues use most.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pipeline::normalize::dates::{DateInput, normalize_date};

const COMMON: [&str; 4] = ["January 11, 1950", "1950-01-11", "ca. 1950", "1957-1959"];

/// The forms of museum and library catalogues (issue #14; the first four are most of Tate's).
const CATALOGUE: [&str; 6] = [
    "c.1814–15",
    "1843–4",
    "date not known",
    "?c.1785",
    "19th century",
    "[197-?]",
];

fn common_forms(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalize_date");
    group.throughput(Throughput::Elements(COMMON.len() as u64));
    group.bench_function("common forms", |b| {
        b.iter(|| {
            for s in COMMON {
                let _ = black_box(normalize_date(DateInput::Text(black_box(s))));
            }
        })
    });
    group.throughput(Throughput::Elements(CATALOGUE.len() as u64));
    group.bench_function("catalogue forms", |b| {
        b.iter(|| {
            for s in CATALOGUE {
                let _ = black_box(normalize_date(DateInput::Text(black_box(s))));
            }
        })
    });
    group.finish();
    for s in COMMON {
        c.bench_function(s, |b| {
            b.iter(|| black_box(normalize_date(DateInput::Text(black_box(s)))))
        });
    }
}

criterion_group!(benches, common_forms);
criterion_main!(benches);
