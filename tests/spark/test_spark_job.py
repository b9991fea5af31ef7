"""The Spark job (examples/spark/pipeline_job.py) run for real: spark-submit in local[2]
mode on a generated catalogue of a few thousand records, compared with `pipeline run` and
`pipeline validate` on the same folder.

Run by .ci/run, which installs a JDK (Debian) and pyspark (PyPI, pinned) in a virtual
environment:  PIPELINE_BIN=target/release/pipeline pytest tests/spark
"""

import filecmp
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
JOB = ROOT / "examples" / "spark" / "pipeline_job.py"
PIPELINE = Path(os.environ.get("PIPELINE_BIN", ROOT / "target" / "release" / "pipeline")).resolve()
RECORDS = 3000

PERSONS = ["Kim Il Sung", "Kim Il-sung", "Liu Shaoqi", "Mao [Zedong]", "A.M. Puzanov",
           "Pak Den Ai", "Park Den Ai", "Zhou Enlai", "Nam Il", "Ri Ju Yon", "Lee Ju Yon"]
ORGANIZATIONS = ["Central Committee of the Workers' Party of Korea",
                 "Ministry of Foreign Affairs of the USSR", "Japanese Red Cross Society"]
DATES = ["January 11, 1950", "1957-12-17", "ca. 1958", "Spring 1959", "1959-1960",
         "November 12-14, 1957", "1950s", "undated", "17 декабря 1957 г.", "[1960?]"]


def record(rng, i, ids):
    """One valid record, as a cataloguer would write it."""
    rid = "rec-%05d" % i
    lines = [
        "id: %s" % rid,
        "title: Document %d on repatriation" % i,
        "date: \"%s\"" % rng.choice(DATES),
        "type: %s" % rng.choice(["Cable", "Letter", "Report", "Minutes"]),
        "summary: >-\n  Record %d. %s" % (i, "Text of the summary. " * rng.randint(1, 5)),
        "creators: [%s]" % ", ".join('"%s"' % p for p in rng.sample(PERSONS, rng.randint(1, 2))),
        "recipients:\n  - name: %s\n    kind: organization" % rng.choice(ORGANIZATIONS),
        "places: [China, Korea (North)]",
        "subjects: [Repatriation]",
        "languages: [%s]" % rng.choice(["Chinese", "ru", "Korean", "jpn"]),
        "collections: [repatriation]",
    ]
    if ids and rng.random() < 0.3:
        lines.append("related: [%s]" % rng.choice(ids))
    return rid, "\n".join(lines) + "\n"


def catalogue(path):
    """A catalogue in nested folders: single-record files, a few `---` streams, the
    shipped authority file and a collections file. Deterministic."""
    rng = random.Random(20261130)
    path.mkdir(parents=True)
    shutil.copy(ROOT / "input" / "_authorities.yaml", path / "_authorities.yaml")
    (path / "_collections.yaml").write_text(
        "repatriation:\n  title: Repatriation\n  description: Test collection.\n")
    ids = []
    stream = []
    for i in range(RECORDS):
        rid, text = record(rng, i, ids)
        ids.append(rid)
        if i % 50 == 0:
            stream.append(text)
            if len(stream) == 4:
                (path / ("stream-%05d.yaml" % i)).write_text("---\n" + "---\n".join(stream))
                stream = []
            continue
        folder = path / ("part-%02d" % (i // 400))
        folder.mkdir(exist_ok=True)
        (folder / (rid + ".yaml")).write_text(text)
    (path / "_drafts").mkdir()
    (path / "_drafts" / "skipped.yaml").write_text("not: a record\n")
    (path / ".hidden.yaml").write_text("neither\n")
    return ids


def job(tmp_path, catalogue_dir, output):
    """spark-submit the job in local[2] mode; (exit code, findings, stderr)."""
    findings = tmp_path / "findings.json"
    done = subprocess.run(
        ["spark-submit", "--master", "local[2]", str(JOB), "--input", catalogue_dir.name,
         "--output", output.name, "--pipeline", str(PIPELINE), "--partitions", "4",
         "--findings-json", str(findings)],
        cwd=catalogue_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        check=False)
    found = json.loads(findings.read_text())["findings"] if findings.exists() else None
    # spark-submit passes the Python driver's standard error on to its standard output;
    # Spark's own log lines are left out of what the test shows.
    err = "\n".join(l for l in done.stdout.splitlines() if " INFO " not in l and " WARN " not in l)
    return done.returncode, found, err


def pipeline(*args, cwd):
    return subprocess.run([str(PIPELINE), *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def validate_findings(catalogue_dir):
    done = pipeline("validate", "--input", catalogue_dir.name, "--format", "json", "-q",
                    cwd=catalogue_dir.parent)
    return done.returncode, json.loads(done.stdout)["findings"]


def same_tree(a, b):
    cmp = filecmp.dircmp(a, b)
    assert not cmp.left_only and not cmp.right_only, (cmp.left_only, cmp.right_only)
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)


@pytest.fixture(scope="module", autouse=True)
def tools():
    assert PIPELINE.is_file(), "build the binary first: cargo build --release"
    assert shutil.which("spark-submit"), "pyspark is not installed"


def test_a_valid_catalogue_gives_the_exports_and_findings_of_a_single_machine(tmp_path):
    cat = tmp_path / "catalogue"
    catalogue(cat)
    code, findings, err = job(tmp_path, cat, tmp_path / "published")
    assert code == 0, err
    single = pipeline("run", "-q", "--input", cat.name, "--output", "single", cwd=tmp_path)
    assert single.returncode == 0, single.stderr
    for name in ("records.csv", "records.jsonld"):
        assert (tmp_path / "published" / name).read_bytes() == \
            (tmp_path / "single" / name).read_bytes(), name
    same_tree(tmp_path / "published" / "dc", tmp_path / "single" / "dc")
    assert len(os.listdir(tmp_path / "single" / "dc")) == RECORDS
    # Warnings only (names spelled two ways, N001; `Lee Ju Yon`, a Korean name that may be
    # in either order, kept as written, N006), and the same ones validate gives.
    vcode, expected = validate_findings(cat)
    assert vcode == 0
    assert findings == expected
    assert {f["code"] for f in findings} == {"N001", "N006"}, {f["code"] for f in findings}


def test_a_catalogue_with_errors_is_refused_with_the_findings_of_validate(tmp_path):
    cat = tmp_path / "catalogue"
    ids = catalogue(cat)
    bad = cat / "part-00"
    # A date that does not exist, an id used twice, a `related` that resolves to nothing,
    # a collection that is not described, a file that is not UTF-8, an id that differs
    # from its file name, and a file that is not YAML.
    text = (bad / "rec-00001.yaml").read_text()
    (bad / "rec-00001.yaml").write_text(text.replace(text.split("\n")[2], "date: February 30, 1957"))
    (bad / "copy.yaml").write_text((bad / "rec-00002.yaml").read_text())
    (bad / "dangling.yaml").write_text(
        record(random.Random(1), 9999, None)[1].replace("rec-09999", "dangling")
        + "related: [rec-99999]\n")
    (bad / "rec-00003.yaml").write_text(
        (bad / "rec-00003.yaml").read_text().replace("[repatriation]", "[unknown]"))
    (bad / "latin1.yaml").write_bytes(
        (bad / "rec-00004.yaml").read_bytes().replace(b"rec-00004", b"latin1") + b"rights: caf\xe9\n")
    (bad / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    # A link out of the catalogue and a FIFO: refused as validate refuses them (Y009, Y001),
    # never read, so the secret appears nowhere.
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: MARKER-7f3a\n")
    (bad / "leak.yaml").symlink_to(secret)
    os.mkfifo(bad / "pipe.yaml")
    assert len(ids) == RECORDS

    code, findings, err = job(tmp_path, cat, tmp_path / "published")
    assert code == 1, err
    assert "nothing was published" in err, err
    published = tmp_path / "published"
    assert not (published / "records.csv").exists()
    vcode, expected = validate_findings(cat)
    assert vcode == 1
    assert findings == expected
    codes = {f["code"] for f in findings if f["severity"] == "error"}
    assert codes == {"D001", "X001", "X002", "X003", "X004", "Y001", "Y002", "Y003", "Y009"}, findings
    assert "MARKER-7f3a" not in err and "MARKER-7f3a" not in json.dumps(findings)


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
