//! Throughput of `resolve_agent` on a mix of the collection's names against an authority
//! index of about 1,000 entries (the collection's people plus generated filler entries),
//! and the cost of building that index.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pipeline::normalize::names::{AgentKind, AuthorityEntry, AuthorityIndex, resolve_agent};

const NAMES: &[(&str, AgentKind)] = &[
    ("Mao [Zedong]", AgentKind::Person),
    ("Chairman Mao [Zedong]", AgentKind::Person),
    ("Liu Shaoqi", AgentKind::Person),
    ("A.M. Puzanov", AgentKind::Person),
    ("Kim Il Sung", AgentKind::Person),
    ("Pak Deok-hwan", AgentKind::Person),
    ("M.S. Kapitsa", AgentKind::Person),
    ("Zhou Enlai", AgentKind::Person),
    ("Pak Yong-guk", AgentKind::Person),
    ("Comrade Juswiak", AgentKind::Person),
    ("Ivankov", AgentKind::Person),
    ("Behrens", AgentKind::Person),
    ("Lin Biao", AgentKind::Person),
    ("Deng Zihui", AgentKind::Person),
    ("Tan Zhen", AgentKind::Person),
    ("Xiao Ke", AgentKind::Person),
    ("Zhao Erlu", AgentKind::Person),
    ("Ministry of Foreign Affairs", AgentKind::Organization),
    ("Embassy [of Poland]", AgentKind::Organization),
];

fn person(preferred: &str, variants: &[&str], dates: &str) -> AuthorityEntry {
    AuthorityEntry {
        heading: None,
        preferred: preferred.to_string(),
        kind: AgentKind::Person,
        variants: variants.iter().map(|v| v.to_string()).collect(),
        dates: Some(dates.to_string()),
        ids: vec![format!("http://viaf.org/viaf/{}", preferred.len())],
    }
}

fn authority_entries() -> Vec<AuthorityEntry> {
    let mut entries = vec![
        person("Mao Zedong", &["Mao Tse-tung"], "1893-1976"),
        person("Liu Shaoqi", &["Liu Shao-ch'i"], "1898-1969"),
        person("A. M. Puzanov", &["Aleksandr Puzanov"], "1906-1998"),
        person("Kim Il-sung", &["Kim Il Sung"], "1912-1994"),
        person("Zhou Enlai", &["Chou En-lai"], "1898-1976"),
        person("Lin Biao", &["Lin Piao"], "1907-1971"),
        person("Deng Zihui", &["Teng Tzu-hui"], "1896-1972"),
        person("M. S. Kapitsa", &[], "1921-1995"),
        AuthorityEntry {
            heading: None,
            preferred: "Ministry of Foreign Affairs".into(),
            kind: AgentKind::Organization,
            variants: vec!["MFA".into()],
            dates: None,
            ids: vec![],
        },
    ];
    let families = [
        "Kim", "Pak", "Ri", "Choe", "Wang", "Zhang", "Ivanov", "Smirnov",
    ];
    let syllables = ["Chol", "Song", "Min", "Hwan", "Ying", "Hua", "Guk", "Il"];
    let mut i = 0usize;
    while entries.len() < 1000 {
        let f = families[i % families.len()];
        let a = syllables[(i / 8) % syllables.len()];
        let b = syllables[(i / 64) % syllables.len()].to_lowercase();
        let preferred = if f.ends_with("ov") {
            format!("{}. {}. {f}{}", &a[..1], &b[..1].to_uppercase(), i)
        } else {
            format!("{f} {a}-{b}{}", i / 512)
        };
        entries.push(person(&preferred, &[], "1900-1980"));
        i += 1;
    }
    entries
}

fn bench(c: &mut Criterion) {
    let entries = authority_entries();
    let index = AuthorityIndex::new(entries.clone());
    let mut group = c.benchmark_group("names");
    group.throughput(Throughput::Elements(NAMES.len() as u64));
    group.bench_function("resolve_agent/collection_mix", |b| {
        b.iter(|| {
            for (name, kind) in NAMES {
                black_box(resolve_agent(
                    black_box(name),
                    *kind,
                    Some("http://example.org/x"),
                    &index,
                ));
            }
        })
    });
    group.throughput(Throughput::Elements(entries.len() as u64));
    group.bench_function("authority_index/new_1000", |b| {
        b.iter(|| black_box(AuthorityIndex::new(black_box(entries.clone()))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
