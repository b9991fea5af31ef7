#!/usr/bin/env python3
"""Extract the date fields of Tate's collection data into one CSV for `examples/tate_dates.rs`.

Usage: scripts/tate-extract.py <git repository of github.com/tategallery/collection> > tate_artworks.csv

Reads every artworks/**/*.json at HEAD (through git, so a bare clone works) and writes the
columns acno, dateText, dateRange_text, dateRange_from, dateRange_to, creators_mda,
creators_fc, title, one row per artwork, sorted by acno. Tate's metadata is CC0; this run used
commit a51d8afc988ed083557e2950f4d0b644e7719f4a. Standard library only.
"""

import csv
import json
import subprocess
import sys


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    repo = sys.argv[1]
    names = subprocess.run(
        ["git", "-C", repo, "ls-tree", "-r", "--name-only", "HEAD", "artworks/"],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    names = [n for n in names if n.endswith(".json")]
    batch = subprocess.run(
        ["git", "-C", repo, "cat-file", "--batch"],
        input="".join(f"HEAD:{n}\n" for n in names).encode(),
        check=True, capture_output=True,
    ).stdout
    rows, pos = [], 0
    while pos < len(batch):
        header_end = batch.index(b"\n", pos)
        size = int(batch[pos:header_end].split()[2])
        body = batch[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        d = json.loads(body)
        r = d.get("dateRange") or {}
        people = d.get("contributors") or []
        rows.append([
            d.get("acno", ""),
            d.get("dateText") or "",
            r.get("text") or "",
            "" if r.get("startYear") is None else r["startYear"],
            "" if r.get("endYear") is None else r["endYear"],
            "; ".join(p.get("mda") or "" for p in people),
            "; ".join(p.get("fc") or "" for p in people),
            d.get("title") or "",
        ])
    rows.sort(key=lambda row: row[0])
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["acno", "dateText", "dateRange_text", "dateRange_from", "dateRange_to",
                  "creators_mda", "creators_fc", "title"])
    out.writerows(rows)


if __name__ == "__main__":
    main()
