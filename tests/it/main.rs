//! The integration tests: one test binary (`it`), one module per subject, the helpers they
//! share in [`support`]. Run them with `cargo test` (add `--test it` for these alone).
//!
//! | module | covers | where the expectations come from |
//! |---|---|---|
//! | [`agents`] | agents across a catalogue: name warnings on records with errors, folding for matching, one agent one node in the exports | the cases of issue #23, read against the README and docs/codes.md |
//! | [`cli`] | the program as a user runs it: exit codes, findings with file:line:col, outputs written only for a valid catalogue, byte-identical across runs and thread counts, `fix` | written here from the records' YAML and the README's promises |
//! | [`codes`] | one fixture and one snapshot per finding code, every output format | the catalogues in `tests/fixtures/codes/<code>/`; snapshots in `tests/it/snapshots/` (insta), read by hand when accepted |
//! | [`convert`] | `pipeline convert` (streams, JSON lines, `files`): the rows and documents of `pipeline run`, stream line numbers | a `pipeline run` of the same records |
//! | [`dates`] | date normalization through the public API, plus properties | the EDTF 2019 specification, python-edtf and edtf.js vectors, the free-text forms of issue 3; `dates.proptest-regressions` |
//! | [`exports`] | the three exports read back with independent parsers | quick-xml, `xmllint` and the official `tests/data/oai_dc/oai_dc.xsd`, the `csv` crate, serde_json; values written by hand |
//! | [`fast_yaml`] | the fast YAML front end against saphyr (differential), on fixtures, generated records and the bench catalogue | saphyr's reading of the same text |
//! | [`fix_keeps`] | `fix` keeps what was written: a date's wording beside its EDTF in the record and the exports, names never replaced by headings, every other byte kept; the `{expression, normal}` date and its checks | the EDTF 2019 specification, DACS 2.4 and EAD `unitdate@normal`, the README's export mapping; fixed files written by hand |
//! | [`forged_output`] | no catalogue text (keys, values, file names, quoted lines) forges output: every format read by its consumer's parser, generated hostile text (proptest) | a copy of the GitHub Actions runner's command parser (actions/runner `ActionCommand.cs`), RFC 3986 (fluent-uri), html5lib strict; the JSON output read with serde_json |
//! | [`hostile`] | hostile and malformed input, links out of the catalogue, round trips, a fuzz smoke test | the corpus `tests/fixtures/hostile/` and its table of expected findings |
//! | [`hostile_writes`] | writing where the tool must not (output folders it did not write, planted links, devices), wrong exits and leaks (issue 24) | the attacks of issue 24 and the README's Security section |
//! | [`messages`] | the report and the messages as a person reads them: "did you mean" for months and languages, the N001 help, the catalogue found from a file, the summary line, the report's notes, legend and time | the cases of issue #25, read against the README |
//! | [`names`] | name normalization: one table per rule, authority matching, variants, properties | the rules' sources cited per table; `names.proptest-regressions` |
//! | [`publish`] | atomic publication on real runs: killed, interrupted, a full disk, a read-only folder | the previous and the new outputs, byte for byte |
//! | [`real_corpus`] | names and dates of three more museum catalogues (CMOA, NGA, Colby; CC0) against the institutions' own headings and years (issue #23) | `tests/data/real/{cmoa,nga,colby}/` (sources, commits and licences in their READMEs); the audit's classes in `examples/corpus_measure/measure.rs` |
//! | [`real_dates`] | the real-catalogue date corpus (issue #14) | `tests/data/real/dates/` (sources and licences in its README) |
//! | [`real_names`] | the real-catalogue names corpus (Tate, CC0) | `tests/data/real/names/` (its README says how the expectations were worked out) |
//! | [`report`] | the run report: `report.json`, the numbers of a held-out catalogue, the page in html5lib and headless Chromium | snapshots in `tests/it/snapshots/`, `tests/fixtures/report/`, counts from the CSV export |
//! | [`scale`] | streams mixed with files, shards and merge, the outline cache, incremental runs | the single, clean run of the same records |
//! | [`snapshots`] | the three exports of the shipped collection | snapshots in `tests/it/snapshots/`, checked by hand against the collection listing when accepted |
//!
//! Tests that need something a machine may not give are `#[ignore = "why"]`: they show as
//! ignored, fail when run without what they need, and CI (`.ci/run`) runs each where it can
//! (a tmpfs mount as root; file permissions as an unprivileged user). To run them here:
//! `cargo test --test it -- --ignored --exact NAME`.

mod agents;
mod cli;
mod codes;
mod convert;
mod dates;
mod exports;
mod fast_yaml;
mod fix_keeps;
mod forged_output;
mod hostile;
mod hostile_writes;
mod messages;
mod names;
mod publish;
mod real_corpus;
mod real_dates;
mod real_names;
mod report;
mod scale;
mod snapshots;
mod support;
