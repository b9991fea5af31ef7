use pipeline::normalize::names::{looks_like_organization, normalize_person};
use std::io::BufRead;
fn main() {
    for line in std::io::stdin().lock().lines() {
        let n = line.unwrap();
        let p = normalize_person(&n);
        println!(
            "{n:45} | {:40} | {:40} | {:?} kept={} org={} add={:?} roles={:?}",
            p.heading,
            p.display,
            p.order,
            p.kept_as_written(),
            looks_like_organization(&n),
            p.additions,
            p.roles
        );
    }
}
