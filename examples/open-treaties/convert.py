#!/usr/bin/env python3
"""Turn the open-treaties JSON files into a concord corpus folder.

    python3 examples/open-treaties/convert.py [SRC] [OUT] [--report]

SRC defaults to tests/data/open-treaties in this repository (the data set,
kept there with its licence); OUT defaults to ./open-treaties-corpus. OUT is
created if needed; the .json files it holds are replaced. Python 3 standard
library only. See README.md beside this file for what it does and why.

One JSON file per treaty is written (`{"document": [...]}`), with clauses:

- `preamble`: the preamble;
- `N` (arabic; 八之二 -> `8bis`): the whole article, as in the source after the
  clean-ups listed in README.md;
- `N.0`: the opening words of an article whose numbered paragraphs follow an
  unnumbered opening sentence (UN Charter Articles 1 and 2, ICESCR Article 10);
- `N.1`, `N.2`, ...: its paragraphs, when it has at least two and the
  paragraphing is trusted (see `paragraphs()`).
"""

import json
import re
import sys
from pathlib import Path

# ---------------------------------------------------------------------------
# Documents: id (the file's stem), aliases by which the treaties name each other

ALIASES = {
    "cat": [
        "Convention against Torture",
        "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment",
    ],
    "cedaw": [
        "Convention on the Elimination of All Forms of Discrimination against Women",
        "CEDAW",
    ],
    "crc": ["Convention on the Rights of the Child"],
    "crpd": ["Convention on the Rights of Persons with Disabilities"],
    "gc-i": [
        "First Geneva Convention",
        "First Convention",
        "Geneva Convention for the Amelioration of the Condition of the Wounded and Sick in Armed Forces in the Field",
        "Geneva Conventions",
        "Geneva Conventions of 12 August 1949",
    ],
    "gc-ii": [
        "Second Geneva Convention",
        "Second Convention",
        "Geneva Convention for the Amelioration of the Condition of Wounded, Sick and Shipwrecked Members of Armed Forces at Sea",
        "Geneva Convention for the Amelioration of the Condition of Wounded, Sick and Ship-wrecked Members of Armed Forces at Sea",
        "Geneva Conventions",
        "Geneva Conventions of 12 August 1949",
    ],
    "gc-iii": [
        "Third Geneva Convention",
        "Third Convention",
        "Geneva Convention relative to the Treatment of Prisoners of War",
        "Geneva Conventions",
        "Geneva Conventions of 12 August 1949",
    ],
    "gc-iv": [
        "Fourth Geneva Convention",
        "Fourth Convention",
        "Geneva Convention relative to the Protection of Civilian Persons in Time of War",
        "Geneva Conventions",
        "Geneva Conventions of 12 August 1949",
    ],
    "gc-ap1": ["Additional Protocol I", "Protocol I"],
    "gc-ap2": ["Additional Protocol II", "Protocol II"],
    "genocide": [
        "Genocide Convention",
        "Convention on the Prevention and Punishment of the Crime of Genocide",
    ],
    "iccpr": ["International Covenant on Civil and Political Rights", "ICCPR"],
    "iccpr-op1": [
        "First Optional Protocol to the International Covenant on Civil and Political Rights",
        "Optional Protocol to the International Covenant on Civil and Political Rights",
    ],
    "iccpr-op2": [
        "Second Optional Protocol to the International Covenant on Civil and Political Rights",
    ],
    "icerd": [
        "International Convention on the Elimination of All Forms of Racial Discrimination",
        "Convention on the Elimination of All Forms of Racial Discrimination",
    ],
    "icescr": ["International Covenant on Economic, Social and Cultural Rights", "ICESCR"],
    "icj-statute": [
        "Statute of the International Court of Justice",
        "Statute of the Court",
        "ICJ Statute",
    ],
    "op-icescr": [
        "Optional Protocol to the International Covenant on Economic, Social and Cultural Rights",
    ],
    "outer-space": ["Outer Space Treaty"],
    "refugee": [
        "Convention relating to the Status of Refugees",
        "Refugee Convention",
    ],
    "rome-statute": [
        "Rome Statute",
        "Rome Statute of the International Criminal Court",
    ],
    "udhr": ["Universal Declaration of Human Rights", "Universal Declaration"],
    "un-charter": [
        "Charter of the United Nations",
        "United Nations Charter",
        "UN Charter",
        "present Charter",
    ],
    "uncac": ["United Nations Convention against Corruption", "UNCAC"],
    "unclos": [
        "United Nations Convention on the Law of the Sea",
        "UNCLOS",
    ],
    "vccr": ["Vienna Convention on Consular Relations"],
    "vcdr": ["Vienna Convention on Diplomatic Relations"],
    "vclt": ["Vienna Convention on the Law of Treaties"],
}

# The date each treaty was adopted or opened for signature, as the UN Treaty Collection, OHCHR
# and the ICRC give it (the data has no dates). A text cannot quote one written after it, and a
# year beside a name ("the Geneva Conventions of 1929") tells documents apart.
DATES = {
    "cat": "1984-12-10",
    "cedaw": "1979-12-18",
    "crc": "1989-11-20",
    "crpd": "2006-12-13",
    "gc-i": "1949-08-12",
    "gc-ii": "1949-08-12",
    "gc-iii": "1949-08-12",
    "gc-iv": "1949-08-12",
    "gc-ap1": "1977-06-08",
    "gc-ap2": "1977-06-08",
    "genocide": "1948-12-09",
    "iccpr": "1966-12-16",
    "iccpr-op1": "1966-12-16",
    "iccpr-op2": "1989-12-15",
    "icerd": "1965-12-21",
    "icescr": "1966-12-16",
    "icj-statute": "1945-06-26",
    "op-icescr": "2008-12-10",
    "outer-space": "1967-01-27",
    "refugee": "1951-07-28",
    "rome-statute": "1998-07-17",
    "udhr": "1948-12-10",
    "un-charter": "1945-06-26",
    "uncac": "2003-10-31",
    "unclos": "1982-12-10",
    "vccr": "1963-04-24",
    "vcdr": "1961-04-18",
    "vclt": "1969-05-23",
}

# Where SOURCES.md says the English text comes from.
ENGLISH_SOURCE = {
    **{k: "ICRC" for k in ["gc-i", "gc-ii", "gc-iii", "gc-iv", "gc-ap1", "gc-ap2"]},
    **{
        k: "UN Treaty Collection"
        for k in ["un-charter", "vclt", "unclos", "icj-statute", "rome-statute", "outer-space",
                  "genocide", "refugee", "vcdr", "vccr", "uncac"]
    },
}

REPO = "https://github.com/lawchat-oss/open-treaties"

# ---------------------------------------------------------------------------
# Chinese numerals

ZH_DIGITS = "〇一二三四五六七八九"


def zh_number(s):
    """五十一 -> 51, 一百零二 -> 102, 三二〇 -> 320 (digit by digit)."""
    def digit(c):
        if c == "零":
            return 0
        i = ZH_DIGITS.find(c)
        if i < 0:
            raise ValueError(f"not a Chinese digit: {c!r} in {s!r}")
        return i

    if "十" in s or "百" in s:
        total, cur = 0, 0
        for c in s:
            if c == "百":
                total, cur = total + max(cur, 1) * 100, 0
            elif c == "十":
                total, cur = total + max(cur, 1) * 10, 0
            else:
                cur = digit(c)
        return total + cur
    n = 0
    for c in s:
        n = n * 10 + digit(c)
    return n


def zh_label(s):
    """An article number as written in the data -> clause label: 八之二 -> 8bis."""
    suffix = ""
    if "之" in s:
        s, extra = s.split("之", 1)
        suffix = {"二": "bis", "三": "ter", "四": "quater"}[extra]
    return f"{zh_number(s)}{suffix}"


# ---------------------------------------------------------------------------
# Clean-ups

# A heading glued after the last sentence of an article (or of the preamble): "…law.Chapter
# IIPreventive measures", "…Nations.SECTION 3.  INNOCENT PASSAGE…", "…as follows :PART I".
HEADING_AT_END = re.compile(
    r"(?:(?<=[.;:,)\]\"”’'])|(?<=\n)|^)\s*"
    r"((?:=+\s*)?(?:PART|Part|SECTION|SUBSECTION|CHAPTER|Chapter)\s*(?:[IVXLC]+(?:\b|(?=[A-Z]))|\d+\b)"
    r"(?:(?!\n\n).){0,400})$",
    re.S,
)
WIKI_MARKS = re.compile(r"__TOC__|^=+[^=\n]+=+\s*$", re.M)
TESTIMONIUM = re.compile(r"\s*IN (?:FAITH|WITNESS) WHEREOF\b.*$", re.S)


def strip_headings(text):
    """Returns (text without trailing division headings, the headings found, in order)."""
    found = []
    text = text.rstrip()
    for m in list(WIKI_MARKS.finditer(text)):
        if m.group(0) != "__TOC__":
            found.append(m.group(0).strip("= \n"))
    text = WIKI_MARKS.sub("", text).rstrip()
    m = HEADING_AT_END.search(text)
    if m and not re.search(r"\b(?:shall|may|of the present|of this|in accordance)\b", m.group(1)):
        # (a sentence such as "Part V of the present Convention shall…" is not a heading)
        found = [tidy_heading(m.group(1))] + found
        text = text[: m.start(1)].rstrip()
    return text, found


def tidy_heading(h):
    h = h.strip("= \n")
    h = re.sub(r"\s+", " ", h)
    # "Chapter IIPreventive measures" -> "Chapter II. Preventive measures" (in capitals, as
    # "CHAPTER IIJURIDICAL STATUS", where the numeral ends cannot be told: left as it is)
    h = re.sub(r"^((?:Chapter|CHAPTER|PART|Part) [IVXLC]+)(?=[A-Z][a-z])", r"\1. ", h)
    return h


# ---------------------------------------------------------------------------
# Paragraphs

# "1. ", "1 . ", "1.    " (UNCLOS), "(1) " at the start of a line.
EN_NUMBER = re.compile(r"^\s*(?:(\d{1,3})\s*\.(?!\d)|\((\d{1,3})\))\s*")
# A sub-item: "(a)", "(iv)", "a.", a lower-case start, list markup.
SUBITEM = re.compile(r"^\s*(?:\([a-zA-Z]{1,5}\)|[a-z]\.\s|[a-z]|[#*•\-–])")
ENDS_SENTENCE = re.compile(r"[.!?][\"”’')\]]*$")
# Chinese top-level paragraph markers: 一、 / 一␣␣ / 1. / 1、 at a line start or after 。：；
ZH_MARK = re.compile(
    r"(?:^|(?<=[\n。：:；;]))\s*(?:([一二三四五六七八九十]+)(?:、|\s{1,3}|　)|(\d{1,2})\s*[.．、](?!\d))"
)


def en_number(unit):
    m = EN_NUMBER.match(unit)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def zh_structure(zh):
    """(has an unnumbered opening, number of top-level paragraphs) of the Chinese text."""
    zh = zh.strip()
    if not zh:
        return (False, 0)
    nums, first = [], None
    for m in ZH_MARK.finditer(zh):
        n = zh_number(m.group(1)) if m.group(1) else int(m.group(2))
        if n == len(nums) + 1:
            if first is None:
                first = m.start()
            nums.append(n)
    if len(nums) >= 2:
        opening = zh[:first].strip()
        return (len(opening) > 0, len(nums))
    blocks = [b for b in re.split(r"\n\s*", zh) if b.strip()]
    blocks = [b for b in blocks if not re.match(r"^\s*[（(]", b)]
    return (False, max(len(blocks), 1))


def repair_glued_lines(text):
    """Line breaks the source lost between a preamble's lines, which glued words together: the
    UN Charter's "NATIONS DETERMINEDto save", "mankind, andto reaffirm", "freedom,AND FOR THESE
    ENDSto practice", "peoples,HAVE RESOLVED", "AIMS.Accordingly". The break is put back."""
    text = re.sub(r"([A-Z]{3,})(to )", r"\1\n\2", text)
    text = re.sub(r"\band(to )", r"and\n\1", text)
    text = re.sub(r"([a-z],)((?:AND|HAVE) [A-Z])", r"\1\n\2", text)
    text = re.sub(r"([A-Z]{3,}\.)([A-Z][a-z])", r"\1\n\2", text)
    return text


def glue_split(text):
    """Pieces of a text whose line breaks were dropped: "…status.States Parties…"."""
    cuts = [m.start() + 2 for m in re.finditer(r"[a-z0-9)\]”\"’][.:;][A-Z][a-z ]", text)]
    pieces, last = [], 0
    for c in cuts + [len(text)]:
        if text[last:c].strip():
            pieces.append(text[last:c].strip())
        last = c
    return pieces


def group_by_full_stop(units):
    """A unit starts a paragraph when the one before ends a sentence (list items end in ; or :)."""
    paras = []
    for u in units:
        if paras and not ENDS_SENTENCE.search(paras[-1][-1]):
            paras[-1].append(u)
        else:
            paras.append([u])
    return paras


def group_by_markup(units):
    """A unit starts a paragraph unless it looks like a sub-item ("(a)", lower case, "#")."""
    paras = []
    for u in units:
        if paras and SUBITEM.match(u):
            paras[-1].append(u)
        else:
            paras.append([u])
    return paras


def paragraphs(en_units, zh):
    """The paragraphs of an article: (opening or None, [paragraph units], how).

    English with paragraph numbers: trusted as written (numbers must run 1, 2, 3, ...; a
    number out of sequence is part of the paragraph before). Without numbers: the Chinese
    translation, which keeps its numbering (一、 二、 or 1. 2.), or its paragraph breaks, gives
    how many paragraphs there are and whether an unnumbered opening comes first; of a few
    ways to group the English units (each unit; a new paragraph after a full stop; a new
    paragraph unless a unit looks like a sub-item), the first giving that count is used.
    Otherwise the article is not split.
    """
    numbered = [i for i, u in enumerate(en_units) if en_number(u) == 1]
    if numbered:
        start = numbered[0]
        opening = en_units[:start]
        paras, expect = [], 1
        for u in en_units[start:]:
            n = en_number(u)
            if n == expect:
                paras.append([EN_NUMBER.sub("", u, count=1)])
                expect += 1
            else:
                paras[-1].append(u)
        # Numbers after a lettered section ("A. For the purposes…: (1) Has been…", Refugee
        # Convention 1), after a sub-item, or in brackets after an opening ("For the purpose
        # of this Protocol: (1) 'Civil defence' means…", Protocol I 61) number sub-items or
        # definitions, not the article's paragraphs.
        parenthesised = en_units[start].lstrip().startswith("(")
        if (opening and parenthesised) or any(
                re.match(r"^[A-Z]\.\s", u) or SUBITEM.match(u) for u in opening):
            return (None, None, "numbered sub-items, not split")
        if len(paras) >= 2:
            return (opening or None, paras, "numbered")
        return (None, None, "numbered, one paragraph")
    has_opening, k = zh_structure(zh)
    if k < 2:
        return (None, None, "one paragraph")
    units = en_units
    if len(units) == 1:
        units = glue_split(units[0])
    tries = []
    if has_opening:
        rest = units[1:]
        tries = [(units[:1], g(rest)) for g in (lambda x: [[u] for u in x], group_by_markup, group_by_full_stop)]
    else:
        tries = [(None, g(units)) for g in (lambda x: [[u] for u in x], group_by_markup, group_by_full_stop)]
    for opening, paras in tries:
        # a paragraph never opens with a sub-item: "(a) A situation…" (Rome Statute 13, where
        # the Chinese numbers the sub-paragraphs 1. 2. 3.) is not split
        if len(paras) == k and all(paras) and not any(SUBITEM.match(p[0]) for p in paras):
            return (opening, paras, "by the Chinese numbering" if len(units) == len(en_units) else "split where line breaks were dropped")
    return (None, None, f"not split: Chinese has {k} paragraphs, English {len(en_units)} block(s)")


def units_of(text):
    """Lines of an article (blank lines and single line breaks alike), with their separators."""
    parts = re.split(r"(\n\s*\n|\n)", text)
    units, seps = [], []
    for i in range(0, len(parts), 2):
        u = parts[i].strip()
        if u:
            units.append(u)
            seps.append(parts[i - 1] if i > 0 else "")
    return units, seps


def join(units, text):
    """Units joined as in the source: a blank line, a line break, or (where the source lost its
    line break: "…status.States…") a space."""
    pos = text.find(units[0])
    out = units[0]
    pos = pos + len(units[0]) if pos >= 0 else 0
    for u in units[1:]:
        at = text.find(u, pos)
        gap = text[pos:at] if at >= 0 else " "
        out += "\n\n" if gap.count("\n") >= 2 else "\n" if "\n" in gap else " "
        out += u
        if at >= 0:
            pos = at + len(u)
    return out


# ---------------------------------------------------------------------------
# One treaty


def convert(path, stats):
    stem = path.stem
    data = json.loads(path.read_text(encoding="utf-8"))
    title = data["treaty_en"].strip()
    clauses = []
    heading = None  # a heading glued before the next article
    preamble, heads = strip_headings(repair_glued_lines(data.get("preamble_en") or ""))
    preamble = re.sub(r"\s*\(The Statute of the International Court of Justice is an integral part of the Charter of the United Nations and has no separate preamble\.\)\s*$", "", preamble)
    if heads:
        heading = "; ".join(heads)
    if preamble.strip():
        clauses.append({"id": "preamble", "title": "Preamble", "text": preamble.strip()})
    arts = data["articles"]
    for a in arts:
        label = zh_label(a["article"])
        text = a.get("content_en") or ""
        text = text.replace("\r\n", "\n")
        if TESTIMONIUM.search(text):
            text = TESTIMONIUM.sub("", text)
            stats["testimonium cut"].append(f"{stem}#{label}")
        text, heads = strip_headings(text)
        units, _ = units_of(text)
        art_title = (a.get("title_en") or "").strip()
        # A first line without end punctuation before a numbered paragraph is a heading left
        # over from the source (op-icescr: "Interim measures"; UNCLOS 74: "between States…").
        if len(units) >= 2 and en_number(units[1]) == 1 and en_number(units[0]) is None \
                and not re.search(r"[.;:,]$", units[0]) and len(units[0]) < 150:
            art_title = (art_title + " " + units[0]).strip() if art_title else units[0]
            text = text[text.index(units[0]) + len(units[0]):].strip()
            units = units[1:]
        full_title = f"Article {label}" + (f": {art_title}" if art_title else "")
        if heading:
            # the heading that the source glued before this article: it opens here
            full_title += f" (opens {heading})"
            heading = None
        if not units:
            stats["empty"].append(f"{stem}#{label}")
            continue
        clauses.append({"id": label, "title": full_title, "text": text.strip()})
        opening, paras, how = paragraphs(units, a.get("content_zh") or "")
        stats["how"][how.split(":")[0]] = stats["how"].get(how.split(":")[0], 0) + 1
        if paras:
            if opening:
                clauses.append({
                    "id": f"{label}.0",
                    "title": f"Article {label}, opening words",
                    "text": join(opening, text),
                })
            for k, p in enumerate(paras, 1):
                clauses.append({
                    "id": f"{label}.{k}",
                    "title": f"Article {label}, paragraph {k}",
                    "text": join(p, text),
                })
            stats["split"] += 1
        elif how.startswith("not split"):
            stats["not split"].append(f"{stem}#{label} ({how})")
        if heads:
            heading = "; ".join(heads)
    source = f"{REPO} ({stem}.json, CC0 1.0)"
    if stem in ENGLISH_SOURCE:
        source += f"; English text: {ENGLISH_SOURCE[stem]}"
    else:
        source += "; English text: OHCHR"
    doc = {
        "id": stem,
        "title": title,
        "kind": "treaty",
        **({"date": DATES[stem]} if stem in DATES else {}),
        "aliases": [x for x in ALIASES.get(stem, []) if x.lower() != title.lower()],
        "language": "en",
        "source": source,
        "clause": clauses,
    }
    stats["articles"] += len(arts)
    return doc


def default_src():
    return Path(__file__).resolve().parent.parent.parent / "tests" / "data" / "open-treaties"


def main(argv):
    report = "--report" in argv
    args = [a for a in argv if not a.startswith("--")]
    src = Path(args[0]) if args else default_src()
    out = Path(args[1]) if len(args) > 1 else Path("open-treaties-corpus")
    files = sorted(src.glob("*.json"))
    if not files:
        print(f"convert.py: no .json files in {src}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json"):
        old.unlink()
    stats = {"articles": 0, "split": 0, "how": {}, "not split": [], "testimonium cut": [], "empty": []}
    n = 0
    for f in files:
        doc = convert(f, stats)
        (out / f"{doc['id']}.json").write_text(
            json.dumps({"document": [doc]}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        n += 1
    for extra in ("DATA_LICENSE", "SOURCES.md"):
        if (src / extra).exists():
            # "_" keeps concord from reading them; the licence travels with the data.
            (out / f"_{extra}").write_bytes((src / extra).read_bytes())
    print(f"convert.py: {n} treaties, {stats['articles']} articles, {stats['split']} split into paragraphs -> {out}",
          file=sys.stderr)
    if report:
        for k, v in sorted(stats["how"].items()):
            print(f"  {v:5}  {k}", file=sys.stderr)
        for k in ("not split", "testimonium cut", "empty"):
            print(f"  {k}: {len(stats[k])}", file=sys.stderr)
            for x in stats[k]:
                print(f"    {x}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
