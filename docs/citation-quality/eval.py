#!/usr/bin/env python3
"""Measuring concord's citation finder on the open-treaties store (see ../citation-quality.md).

    python3 docs/citation-quality/eval.py population DB          # the citations sampled from
    python3 docs/citation-quality/eval.py sample DB              # draw the precision sample
    python3 docs/citation-quality/eval.py articles DB            # draw the recall articles
    python3 docs/citation-quality/eval.py show-articles DB       # print them to read by hand
    python3 docs/citation-quality/eval.py score DB               # the figures

Python 3 standard library only. DB is a store built by `concord build` from the corpus that
examples/open-treaties/convert.py writes. The hand-made files beside this script:

- precision-sample.csv: the sampled citations, each with a verdict and a reason;
- recall-gold.csv: every cross-reference read by hand in the recall articles, with its target.

`sample` and `articles` are deterministic (fixed seeds below, population in a fixed order), so
they redraw the same sample from the same store. After the finder changes, `score` re-applies
each verdict to the same citation (same citing clause, span, words and target) and lists the
sampled citations it cannot find any more; the recall gold does not depend on the finder at all.
"""

import csv
import hashlib
import random
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PRECISION_SEED = 20240917
PRECISION_N = {"clause-ref": 220, "alias": 150}
# Methods whose earlier random draw is kept where its citations are still found.
KEEP_DRAWN = {"clause-ref"}
RECALL_SEED = 1949
RECALL_N = 110

LEAF = "NOT EXISTS (SELECT 1 FROM clauses k WHERE k.parent_id = cl.id)"

CITATIONS = f"""
SELECT ci.id, d.slug, cl.label, cl.text, ci.method, ci.span_start, ci.span_end, ci.confidence,
       COALESCE(tcd.slug, td.slug) AS to_doc,
       COALESCE(tc.label, ci.to_label) AS to_label,
       CASE WHEN tc.id IS NOT NULL THEN 'clause' WHEN ci.to_label IS NOT NULL THEN 'label'
            ELSE 'document' END AS to_kind,
       d.id, cl.position
FROM citations ci
JOIN clauses cl ON cl.id = ci.from_clause_id
JOIN documents d ON d.id = cl.document_id
LEFT JOIN documents td ON td.id = ci.to_document_id
LEFT JOIN clauses tc ON tc.id = ci.to_clause_id
LEFT JOIN documents tcd ON tcd.id = tc.document_id
WHERE ci.method IN ('clause-ref', 'alias') AND {LEAF}
ORDER BY d.slug, cl.position, ci.span_start, ci.span_end, to_doc, to_label
"""


def connect(db):
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def rows(db):
    out = []
    for r in connect(db).execute(CITATIONS):
        (cid, doc, label, text, method, s, e, conf, to_doc, to_label, to_kind, _, _) = r
        out.append({
            "from": f"{doc}#{label}",
            "method": method,
            "words": text[s:e],
            "span": f"{s}-{e}",
            "to": f"{to_doc}#{to_label}" if to_label else to_doc,
            "to_kind": to_kind,
            "confidence": conf,
            "context": context(text, s, e),
        })
    return out


def context(text, s, e, width=160):
    a, b = max(0, s - width), min(len(text), e + width)
    return ("…" if a else "") + (text[a:s] + "⟦" + text[s:e] + "⟧" + text[e:b]).replace("\n", " ¶ ") + ("…" if b < len(text) else "")


def key(r):
    return (r["from"], r["span"], r["words"], r["to"], r["method"])


def population(db):
    pop = rows(db)
    c = Counter(r["method"] for r in pop)
    print(f"{len(pop)} clause-ref/alias citations in leaf clauses: {dict(c)}")
    return pop


def draw_order(method, r):
    """A citation's place in the drawing order: a hash of what identifies it, so that a small
    change of the population changes the sample little."""
    h = hashlib.sha256(f"{PRECISION_SEED}|{method}|{'|'.join(map(str, key(r)))}".encode())
    return h.hexdigest()


def sample(db):
    """Draws the precision sample. For clause-ref: the rows already on file that are still in
    the population (drawn at random before), then new rows in a fixed hash order until the
    sample is full. For alias (a census until the finder read defined terms, which multiplied
    the population): the first PRECISION_N rows in the hash order. Verdicts stay with their
    citations; new rows are left blank to judge."""
    pop = rows(db)
    path = HERE / "precision-sample.csv"
    old = {}
    if path.exists():
        for r in csv.DictReader(path.open(encoding="utf-8")):
            old[(r["from"], r["span"], r["words"], r["to"], r["method"])] = r
    chosen = []
    for method, n in PRECISION_N.items():
        group = [r for r in pop if r["method"] == method]
        kept = [r for r in group if key(r) in old] if method in KEEP_DRAWN else []
        fresh = sorted((r for r in group if r not in kept), key=lambda r: draw_order(method, r))
        size = len(group) if n is None else min(n, len(group))
        pick = (kept + fresh)[:size]
        chosen += sorted(pick, key=lambda r: pop.index(r))
    fields = ["n", "method", "from", "span", "words", "to", "to_kind", "confidence", "verdict",
              "error", "right_target", "reason", "verdict_b", "reason_b", "context"]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        for i, r in enumerate(chosen, 1):
            o = old.get(key(r), {})
            w.writerow({"n": i, **{k: r[k] for k in ["method", "from", "span", "words", "to", "to_kind", "confidence", "context"]},
                        **{k: o.get(k, "") for k in ["verdict", "error", "right_target", "reason", "verdict_b", "reason_b"]}})
    blank = sum(1 for r in chosen if not old.get(key(r), {}).get("verdict"))
    print(f"wrote {path} ({len(chosen)} citations, {blank} to judge; seed {PRECISION_SEED})")


def article_list(db):
    """Every article (clause labelled with a bare number) in a fixed order, and the draw."""
    con = connect(db)
    arts = [(d, l) for d, l in con.execute(
        "SELECT d.slug, c.label FROM clauses c JOIN documents d ON d.id = c.document_id "
        "WHERE c.label NOT LIKE '%.%' AND c.label <> 'preamble' ORDER BY d.slug, c.position")]
    rng = random.Random(RECALL_SEED)
    return sorted(rng.sample(arts, RECALL_N), key=arts.index)


def articles(db):
    for d, l in article_list(db):
        print(f"{d}#{l}")


def show_articles(db):
    con = connect(db)
    for d, l in article_list(db):
        (text,) = con.execute(
            "SELECT c.text FROM clauses c JOIN documents d ON d.id = c.document_id WHERE d.slug = ? AND c.label = ?",
            (d, l)).fetchone()
        print(f"=== {d}#{l} ({len(text)} chars)\n{text}\n")


def leaf_citations(con, doc, label):
    """(method, target) of the clause-ref/alias citations found in article doc#label and its parts."""
    q = f"""
    SELECT ci.method, COALESCE(tcd.slug, td.slug), COALESCE(tc.label, ci.to_label),
           substr(cl.text, ci.span_start + 1, ci.span_end - ci.span_start), cl.label
    FROM citations ci JOIN clauses cl ON cl.id = ci.from_clause_id
    JOIN documents d ON d.id = cl.document_id
    LEFT JOIN documents td ON td.id = ci.to_document_id
    LEFT JOIN clauses tc ON tc.id = ci.to_clause_id
    LEFT JOIN documents tcd ON tcd.id = tc.document_id
    WHERE d.slug = ? AND (cl.label = ? OR cl.label LIKE ? || '.%') AND {LEAF}
      AND ci.method IN ('clause-ref', 'alias')
    """
    return [(m, f"{td}#{tl}" if tl else td, words, fl) for m, td, tl, words, fl in con.execute(q, (doc, label, label))]


def split(field):
    return [t.strip() for t in (field or "").split("|") if t.strip()]


def prefixes(target):
    """unclos#161.1.a -> [unclos#161.1, unclos#161]: coarser labels of the same place."""
    if "#" not in target:
        return []
    doc, label = target.split("#", 1)
    parts = label.split(".")
    return [f"{doc}#{'.'.join(parts[:i])}" for i in range(len(parts) - 1, 0, -1)]


def recall(con, gold):
    """Per expected target: found / partial / missed; and the found citations no target explains."""
    results = []
    explained = defaultdict(set)
    by_article = defaultdict(list)
    for g in gold:
        by_article[g["article"]].append(g)
    for article, gs in by_article.items():
        doc, label = article.split("#")
        found = leaf_citations(con, doc, label)
        targets = {f[1] for f in found}
        for g in gs:
            for t in split(g["expected"]):
                if g["scope"] != "in-corpus":
                    results.append((g, t, "out-of-corpus"))
                    continue
                accept = {t, *split(g["also_accept"])}
                partial = set(split(g["partial_accept"])) | set(prefixes(t))
                if targets & accept:
                    status = "found"
                    explained[article] |= targets & accept
                elif targets & partial:
                    status = "partial"
                    explained[article] |= targets & partial
                else:
                    status = "missed"
                results.append((g, t, status))
    return results, explained


def score(db):
    con = connect(db)
    # ---- precision
    current = {key(r): r for r in rows(db)}
    judged = list(csv.DictReader((HERE / "precision-sample.csv").open(encoding="utf-8")))
    per = defaultdict(Counter)
    errors = defaultdict(Counter)
    gone = []
    for r in judged:
        k = (r["from"], r["span"], r["words"], r["to"], r["method"])
        if k not in current:
            gone.append(r)
            continue
        v = r["verdict"]
        per[r["method"]][v] += 1
        if v != "correct":
            errors[r["method"]][f"{v}: {r['error']}"] += 1
    print(f"PRECISION: {len(judged)} sampled citations (seed {PRECISION_SEED}), judged correct / partial / wrong")
    for m, c in per.items():
        n = sum(c.values())
        print(f"  {m:10} n={n:4}  correct {c['correct']:4} = {c['correct'] / n:.1%}   "
              f"correct or partial {c['correct'] + c['partial']:4} = {(c['correct'] + c['partial']) / n:.1%}   "
              f"wrong {c['wrong']}")
        for e, k in errors[m].most_common():
            print(f"      {k:4}  {e}")
    if gone:
        print(f"  ({len(gone)} judged citations are no longer in this store: rerun `sample` and judge the new ones)")
    # ---- recall
    gold = list(csv.DictReader((HERE / "recall-gold.csv").open(encoding="utf-8")))
    arts = article_list(db)
    results, explained = recall(con, gold)
    print(f"\nRECALL: {len(arts)} articles (seed {RECALL_SEED}), "
          f"{len({g['article'] for g in gold})} with cross-references, {len(results)} expected targets")
    tally = defaultdict(Counter)
    for g, t, status in results:
        if status == "out-of-corpus":
            tally["(out of corpus, not counted)"][status] += 1
            continue
        tally["ALL in-corpus targets"][status] += 1
        tally[g["kind"]][status] += 1
        method = "alias" if g["kind"] in ("treaty-name", "defined-short-name") else "clause-ref"
        tally[f"expected method: {method}"][status] += 1
        group = "without same-article paragraphs and defined short names" \
            if g["kind"] not in ("paragraph-same-article", "defined-short-name") else None
        if group:
            tally[group][status] += 1
    order = ["ALL in-corpus targets", "without same-article paragraphs and defined short names",
             "expected method: clause-ref", "expected method: alias"]
    for kind in order + sorted(k for k in tally if k not in order):
        c = tally[kind]
        n = sum(c.values())
        if kind.startswith("(out"):
            print(f"  {kind:58} n={n:4}")
            continue
        print(f"  {kind:58} n={n:4}  found {c['found']:4} = {c['found'] / n:6.1%}   partial {c['partial']:3}   missed {c['missed']:3}")
    # ---- what the finder found in the recall articles that no hand-listed reference explains
    extra = []
    for d, l in arts:
        for m, t, words, fl in leaf_citations(con, d, l):
            if t not in explained.get(f"{d}#{l}", set()):
                extra.append((f"{d}#{fl}", m, words, t))
    total = sum(len(leaf_citations(con, d, l)) for d, l in arts)
    print(f"\n  citations found in these articles: {total}; explained by a hand-listed reference: "
          f"{total - len(extra)} ({(total - len(extra)) / total:.1%}); not explained: {len(extra)}")
    if "-v" in sys.argv:
        print("\n  missed or partial:")
        for g, t, status in results:
            if status in ("missed", "partial"):
                print(f"    {status:8} {g['article']:18} {t:32} «{g['words']}»")
        print("\n  found but not hand-listed:")
        for e in extra:
            print(f"    {e[0]:20} {e[1]:10} {e[3]:24} «{e[2]}»")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    cmd, db = sys.argv[1], sys.argv[2]
    {"population": population, "sample": sample, "articles": articles,
     "show-articles": show_articles, "score": score}[cmd](db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
