#!/usr/bin/env python3
"""Measuring concord's citation finder on UN General Debate speeches (see ../../citation-quality.md).

    python3 eval.py recall-draw SPEECHES           # the 40 speeches read in full for recall
    python3 eval.py sample DB                      # draw the precision samples (CSV, verdicts blank)
    python3 eval.py verify-alarms DB CORPUS        # `concord verify` on every speech of CORPUS
    python3 eval.py score DB                       # the figures, from the verdict files beside this

SPEECHES is the folder of the speeches (`Session NN - YYYY/ISO_NN_YYYY.txt`), or the .tar.xz;
it defaults to $CONCORD_DATA/ungdc-dev/speeches.tar.xz, CONCORD_DATA defaulting to
../shared/data beside the repository. DB is a store built by `concord build` from the corpus
that examples/ungdc/convert.py writes. Python 3 standard library only.

The files beside this script are the hand-made verdicts; nothing here judges a citation.
"""

import csv
import hashlib
import json
import math
import os
import random
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
RECALL_SEED = 19461010
RECALL_N = 40
# A speech is drawn for recall among those that name an article, a chapter or a preamble
# somewhere (about 600 of 1,001): a random speech without any reference says nothing of recall.
RECALL_WORDS = re.compile(r"\b(articles?|chapters?|preamble|paragraphs?|paras?\.)\b", re.I)


def speeches_dir(arg):
    src = Path(arg) if arg else Path(os.environ.get("CONCORD_DATA") or ROOT.parent / "shared" / "data") / "ungdc-dev" / "speeches.tar.xz"
    if not src.exists():
        sys.exit(f"eval.py: no speeches at {src}; give the folder or .tar.xz, or set CONCORD_DATA")
    if src.is_file():
        tmp = Path(tempfile.mkdtemp(prefix="ungdc-"))
        with tarfile.open(src) as t:
            t.extractall(tmp, filter="data")
        return tmp
    return src


def all_speeches(folder):
    return sorted(p for p in Path(folder).rglob("*.txt") if re.match(r"[A-Z]{2,3}_\d+_\d{4}\.txt$", p.name))


def recall_draw(args):
    folder = speeches_dir(args[0] if args else None)
    pool = [p for p in all_speeches(folder) if RECALL_WORDS.search(p.read_text(encoding="utf-8", errors="replace"))]
    picked = sorted(random.Random(RECALL_SEED).sample(pool, RECALL_N), key=lambda p: p.name)
    print(f"# {len(pool)} speeches name an article, chapter, paragraph or preamble; {RECALL_N} drawn (seed {RECALL_SEED})", file=sys.stderr)
    for p in picked:
        print(p.relative_to(folder))



# ---------------------------------------------------------------------------
# Precision samples

PRECISION_SEED = 20261201
SAMPLES = {
    # name: (population WHERE clause, size; None = every one)
    "clause-ref": ("ci.method = 'clause-ref' AND ci.to_ref IS NOT NULL", 150),
    "unresolved": ("ci.method = 'clause-ref' AND ci.to_ref IS NULL", 60),
    "quotation": ("ci.method IN ('quote-exact', 'quote-normalized', 'quote-near')", 120),
    "near": ("ci.method = 'quote-near'", None),
    "unverified": ("ci.method = 'quote-unverified'", 60),
    "alias": ("ci.method = 'alias'", 60),
}

POPULATION = """
SELECT ci.id, d.slug, cl.label, cl.text, ci.method, ci.span_start, ci.span_end, ci.confidence,
       ci.to_ref, ci.to_name, ci.to_label, ci.quote, ci.diff, cl.position,
       (SELECT t.text FROM clauses t WHERE t.id = ci.to_clause_id) AS target_text
FROM citations ci
JOIN clauses cl ON cl.id = ci.from_clause_id
JOIN documents d ON d.id = cl.document_id
WHERE d.kind = 'statement' AND {where}
ORDER BY d.slug, cl.position, ci.span_start, ci.span_end, ci.to_ref, ci.to_name
"""

# Two readers judged each row without seeing each other's verdicts: `verdict`, `right_target`,
# `reason` are reader A's, the `_b` columns reader B's.
VERDICTS = ["verdict", "right_target", "reason", "verdict_b", "right_target_b", "reason_b"]
FIELDS = ["n", "sample", "method", "from", "span", "words", "to", "to_name", "to_label",
          "confidence", "quote", "source", "diff"] + VERDICTS + ["context", "target_text"]


def connect(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def context(text, s, e, width=260):
    return (("…" if s > width else "") + text[max(0, s - width):s] + "⟦" + text[s:e] + "⟧"
            + text[e:e + width] + ("…" if e + width < len(text) else ""))


def key_of(r):
    """What identifies a sampled citation across rebuilds: citing clause, span, words, target."""
    return (r["from"], r["span"], r["words"], r["to"], r["to_name"], r["method"])


def population(conn, where):
    out = []
    for (cid, doc, label, text, method, s, e, conf, to_ref, to_name, to_label, quote, diff, pos,
         target_text) in conn.execute(POPULATION.format(where=where)):
        d = json.loads(diff) if diff else {}
        out.append({
            "method": method, "from": f"{doc}#{label}", "span": f"{s}-{e}", "words": text[s:e],
            "to": to_ref or "", "to_name": to_name or "", "to_label": to_label or "",
            "confidence": conf, "quote": quote or "", "source": d.get("source") or "",
            "diff": json.dumps({k: d[k] for k in ("added", "dropped", "changed", "co_quoted",
                                                  "wording_until") if d.get(k)}, ensure_ascii=False) if d else "",
            "context": context(text, s, e), "target_text": (target_text or "")[:600],
        })
    return out


def draw_order(name, r):
    """A citation's place in the drawing order of sample `name`: a hash of what identifies it,
    so that a small change of the population changes the sample little."""
    h = hashlib.sha256(f"{PRECISION_SEED}|{name}|{'|'.join(map(str, key_of(r)))}".encode())
    return h.hexdigest()


def sample(args):
    """Draws each sample: the rows of the sample already on file that are still in the
    population (drawn at random before), then new rows in drawing order until the sample is
    full. Verdicts stay with their rows; new rows have none."""
    db = args[0]
    conn = connect(db)
    for name, (where, n) in SAMPLES.items():
        pop = population(conn, where)
        path = HERE / f"sample-{name}.csv"
        old = {}
        if path.exists():
            old = {key_of(r): r for r in read_csv(path)}
        kept_rows = [r for r in pop if key_of(r) in old]
        fresh = sorted((r for r in pop if key_of(r) not in old), key=lambda r: draw_order(name, r))
        size = len(pop) if n is None else min(n, len(pop))
        picked = (kept_rows + fresh)[:size] if len(kept_rows) <= size else kept_rows[:size]
        picked.sort(key=lambda r: (r["from"], int(r["span"].split("-")[0])))
        judged = 0
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS)
            w.writeheader()
            for i, r in enumerate(picked, 1):
                r = dict(r, n=i, sample=name)
                prev = old.get(key_of(r))
                for k in VERDICTS:
                    r[k] = prev.get(k, "") if prev else ""
                judged += bool(prev and prev.get("verdict"))
                w.writerow(r)
        gone = len(old) - len(kept_rows)
        print(f"{name}: {len(picked)} of {len(pop)} -> {path.name} ({judged} judged rows kept, "
              f"{gone} rows no longer found, {len(picked) - len(kept_rows)} new)", file=sys.stderr)


# ---------------------------------------------------------------------------
# `concord verify` alarms

VERIFY_FIELDS = ["n", "speech", "where", "target", "quoted", "source", "differences",
                 "verdict", "reason", "verdict_b", "reason_b", "context"]


def concord_bin():
    return os.environ.get("CONCORD") or str(ROOT / "target" / "release" / "concord")


def verify_alarms(args):
    """Runs `concord verify --db DB` on every speech of CORPUS (the folder convert.py wrote) and
    keeps each quotation it calls ALTERED, with its paragraph, for judging."""
    db, corpus = args[0], Path(args[1])
    rows = []
    for f in sorted((corpus / "speeches").rglob("*.txt")):
        out = subprocess.run([concord_bin(), "verify", "--db", db, str(f)], capture_output=True,
                             text=True).stdout
        lines = f.read_text(encoding="utf-8").split("\n")
        block = None
        for line in out.split("\n"):
            m = re.match(r"(\S+):(\d+) quotation (\S+) \((\w+), confidence [\d.]+\) → (.*)", line)
            if m:
                if block:
                    rows.append(block)
                block = None
                if m.group(3) == "ALTERED":
                    ln = int(m.group(2))
                    para = []
                    for l in lines[ln - 1:]:
                        if not l.strip():
                            break
                        para.append(l)
                    block = {"speech": f.name, "where": f"{m.group(1)}:{ln}", "target": m.group(5),
                             "quoted": "", "source": "", "differences": "",
                             "context": "\n".join(para)[:1500]}
                continue
            if block is None:
                continue
            t = line.strip()
            if t.startswith("quoted: "):
                block["quoted"] = t[8:]
            elif t.startswith("source: "):
                block["source"] = t[8:]
            elif t.startswith(("changed: ", "added: ", "dropped: ", "wording: ", "also quoted by: ")):
                block["differences"] += t + "; "
            elif not line.startswith("    "):
                rows.append(block)
                block = None
        if block:
            rows.append(block)
    path = HERE / "sample-verify.csv"
    old = {}
    if path.exists():
        old = {(r["speech"], r["quoted"], r["target"]): r for r in read_csv(path)}
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=VERIFY_FIELDS)
        w.writeheader()
        for i, r in enumerate(rows, 1):
            prev = old.get((r["speech"], r["quoted"], r["target"])) or {}
            w.writerow(dict(r, n=i, **{k: prev.get(k, "") for k in
                                       ("verdict", "reason", "verdict_b", "reason_b")}))
    print(f"verify: {len(rows)} quotations called ALTERED in {corpus / 'speeches'} -> {path.name}",
          file=sys.stderr)


# ---------------------------------------------------------------------------
# Scoring

def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    r = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - r) / d, (c + r) / d)


def pct(k, n):
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {100 * k / n:.1f}% (95% CI {100 * lo:.1f}–{100 * hi:.1f}%)" if n else "0/0"


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def verdict(r):
    """The row's verdict: the two readers' when they agree, `disputed` when they do not, None
    when it is not judged yet."""
    a, b = r.get("verdict", ""), r.get("verdict_b", "")
    if not a or not b:
        return None
    return a if a == b else "disputed"


def score_sample(path):
    rows = read_csv(path)
    judged = [(r, verdict(r)) for r in rows]
    judged = [(r, v) for r, v in judged if v]
    return rows, judged, Counter(v for _, v in judged)


def norm_label(t):
    return t.replace(".", "").lower()


def squash(t):
    return re.sub(r"\s+", " ", t).strip()


def locate(conn, doc, g):
    """The clauses of speech `doc` holding a gold reference: the one whose text holds the
    reader's paragraph start, and, when that one lacks the words of the reference, those that
    hold them."""
    texts = [(cid, label, squash(text)) for cid, label, text in conn.execute(
        "SELECT id, label, text FROM clauses WHERE document_id = ?", (doc,))]
    start = squash(g["paragraph_start"])[:30]
    words = squash(g["words"])
    hit = [(cid, label, t) for cid, label, t in texts if start and start in t]
    # A paragraph the converter cut in two at a stray line break: the part with the words.
    if not any(words in t for _, _, t in hit):
        hit += [(cid, label, t) for cid, label, t in texts if words and words in t]
    return [(cid, label) for cid, label, _ in hit]


def recall(conn, verbose):
    gold = read_csv(HERE / "recall-gold.csv")
    docs = {}
    for slug, iid in conn.execute("SELECT slug, id FROM documents WHERE kind = 'statement'"):
        docs[slug] = iid
    tally = Counter()
    by_form = defaultdict(Counter)
    misses = []
    for g in gold:
        if g["scope"] != "in":
            continue
        m = re.match(r"([A-Z]{2,3})_(\d+)_(\d{4})\.txt", g["speech"])
        slug = f"{m.group(1).lower()}-{int(m.group(2)):02d}-{m.group(3)}"
        form = g.get("form") or "explicit"
        clauses = locate(conn, docs[slug], g)
        targets = set()
        for cid, _ in clauses:
            for (to_ref,) in conn.execute(
                    "SELECT to_ref FROM citations WHERE from_clause_id = ? AND to_ref IS NOT NULL", (cid,)):
                targets.add(to_ref)
        want = g["target"]
        also = [a for a in (g.get("also_accept") or "").split() if a]
        if want in targets or any(a in targets for a in also):
            verdict = "found"
        elif any(norm_label(t) == norm_label(want) for t in targets):
            verdict = "found"
        elif any("#" in t and want.startswith(t + ".") for t in targets):
            verdict = "partial"
        else:
            verdict = "missed"
        if not clauses:
            verdict = "missed"
        tally[verdict] += 1
        by_form[form][verdict] += 1
        if verdict != "found":
            misses.append((verdict, g["speech"], g["words"], want, sorted(targets), bool(clauses)))
    n = sum(tally.values())
    print(f"recall, clause references read in {len(set(g['speech'] for g in gold))} speeches: "
          f"found {pct(tally['found'], n)}; partly {tally['partial']}; missed {tally['missed']}")
    for form, c in sorted(by_form.items()):
        k = sum(c.values())
        print(f"  {form}: found {pct(c['found'], k)}")
    if verbose:
        for m in misses:
            print("   ", m)


# What counts as right in each sample.
RIGHT = {
    "clause-ref": "correct", "unresolved": "correct", "alias": "correct",
    "quotation": "correct", "unverified": "correct", "near": "real", "verify": "real",
}


def score(args):
    db = args[0]
    verbose = "-v" in args
    conn = connect(db)
    for name in list(SAMPLES) + ["verify"]:
        path = HERE / f"sample-{name}.csv"
        if not path.exists():
            continue
        rows, judged, c = score_sample(path)
        if name in SAMPLES:
            # A verdict counts only for a citation this store still holds.
            present = {key_of(r) for r in population(conn, SAMPLES[name][0])}
            gone = [r for r in rows if key_of(r) not in present]
            if gone:
                print(f"{name}: {len(gone)} sampled citations are not in this store; "
                      f"run `eval.py sample {db}` and judge the new rows")
            rows = [r for r in rows if key_of(r) in present]
            judged = [(r, v) for r, v in judged if key_of(r) in present]
            c = Counter(v for _, v in judged)
        right = c[RIGHT[name]]
        agree = sum(1 for r in rows if r.get("verdict") and r.get("verdict") == r.get("verdict_b"))
        both = sum(1 for r in rows if r.get("verdict") and r.get("verdict_b"))
        print(f"{name}: {len(judged)} of {len(rows)} judged by both readers (they agree on "
              f"{agree} of {both}); {RIGHT[name]} {pct(right, len(judged))}; "
              + ", ".join(f"{k} {v}" for k, v in sorted(c.items()) if k != RIGHT[name]))
        if verbose:
            for r, v in judged:
                if v != RIGHT[name]:
                    print(f"    #{r['n']} {r.get('from') or r.get('speech')} "
                          f"{(r.get('words') or r.get('quoted') or '')[:70]!r} -> "
                          f"{r.get('to') or r.get('target') or r.get('to_name')} : {v}: {r['reason'][:140]}")
    if (HERE / "recall-gold.csv").exists():
        recall(conn, verbose)


if __name__ == "__main__":
    cmds = {"recall-draw": recall_draw, "sample": sample, "verify-alarms": verify_alarms,
            "score": score}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](sys.argv[2:])
