#!/usr/bin/env python3
"""Turn the UN General Debate speeches and the open treaties into one concord corpus folder.

    python3 examples/ungdc/convert.py [SPEECHES] [OUT]

SPEECHES is a folder of speeches (`Session NN - YYYY/ISO_NN_YYYY.txt`) or the `.tar.xz`
holding them; it defaults to `$CONCORD_DATA/ungdc-dev/speeches.tar.xz`, CONCORD_DATA
defaulting to `../shared/data` beside this repository. OUT defaults to ./ungdc-corpus and is
replaced. Python 3 standard library only. See README.md beside this file.

What is written:

- `treaties/*.json`: the 28 open treaties of `tests/data/open-treaties`, by
  `examples/open-treaties/convert.py` (dates, aliases, preambles, paragraphs), with the earlier
  wordings of the four amended articles of the UN Charter (23, 27, 61, 109) and a few more
  names by which speeches call the Charter;
- `actors.toml`: one actor per speaking state (its ISO 3166 alpha-3 code as id);
- `speeches/Session NN - YYYY/ISO_NN_YYYY.txt`: each speech with TOML front matter (id
  `iso-nn-yyyy`, kind `statement`, date the year, author the state) and its text cut into
  paragraphs (see `paragraphs()`). The words are left as they are.
"""

import importlib.util
import json
import os
import re
import shutil
import statistics
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def load_treaty_converter():
    spec = importlib.util.spec_from_file_location("ot_convert", ROOT / "examples/open-treaties/convert.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------------------
# The speaking states. The corpus names them by ISO 3166 alpha-3 code; a few
# codes are of states that no longer exist (CSK, YUG) and one is not a state (EU).

STATES = {
    "AFG": "Afghanistan", "AGO": "Angola", "ALB": "Albania", "AND": "Andorra",
    "ARE": "United Arab Emirates", "ARG": "Argentina", "ARM": "Armenia",
    "ATG": "Antigua and Barbuda", "AUS": "Australia", "AUT": "Austria", "AZE": "Azerbaijan",
    "BDI": "Burundi", "BEL": "Belgium", "BEN": "Benin", "BFA": "Burkina Faso",
    "BGD": "Bangladesh", "BGR": "Bulgaria", "BHR": "Bahrain", "BIH": "Bosnia and Herzegovina",
    "BLR": "Belarus", "BLZ": "Belize", "BOL": "Bolivia", "BRA": "Brazil", "BRB": "Barbados",
    "BRN": "Brunei Darussalam", "BTN": "Bhutan", "BWA": "Botswana",
    "CAF": "Central African Republic", "CAN": "Canada", "CHE": "Switzerland", "CHL": "Chile",
    "CHN": "China", "CIV": "Côte d'Ivoire", "CMR": "Cameroon",
    "COD": "Democratic Republic of the Congo", "COG": "Congo", "COL": "Colombia",
    "COM": "Comoros", "CPV": "Cabo Verde", "CRI": "Costa Rica", "CSK": "Czechoslovakia",
    "CUB": "Cuba", "CYP": "Cyprus", "CZE": "Czechia", "DEU": "Germany", "DJI": "Djibouti",
    "DMA": "Dominica", "DNK": "Denmark", "DOM": "Dominican Republic", "DZA": "Algeria",
    "ECU": "Ecuador", "EGY": "Egypt", "ERI": "Eritrea", "ESP": "Spain", "EST": "Estonia",
    "ETH": "Ethiopia", "EU": "European Union", "FIN": "Finland", "FJI": "Fiji",
    "FRA": "France", "FSM": "Micronesia (Federated States of)", "GAB": "Gabon",
    "GBR": "United Kingdom", "GHA": "Ghana", "GIN": "Guinea", "GMB": "Gambia",
    "GNB": "Guinea-Bissau", "GNQ": "Equatorial Guinea", "GRC": "Greece", "GRD": "Grenada",
    "GTM": "Guatemala", "GUY": "Guyana", "HND": "Honduras", "HRV": "Croatia", "HTI": "Haiti",
    "HUN": "Hungary", "IDN": "Indonesia", "IND": "India", "IRL": "Ireland",
    "IRN": "Iran (Islamic Republic of)", "IRQ": "Iraq", "ISL": "Iceland", "ISR": "Israel",
    "ITA": "Italy", "JAM": "Jamaica", "JOR": "Jordan", "JPN": "Japan", "KAZ": "Kazakhstan",
    "KEN": "Kenya", "KGZ": "Kyrgyzstan", "KHM": "Cambodia", "KIR": "Kiribati",
    "KNA": "Saint Kitts and Nevis", "KWT": "Kuwait",
    "LAO": "Lao People's Democratic Republic", "LBN": "Lebanon", "LBR": "Liberia",
    "LBY": "Libya", "LCA": "Saint Lucia", "LIE": "Liechtenstein", "LKA": "Sri Lanka",
    "LSO": "Lesotho", "LUX": "Luxembourg", "MAR": "Morocco", "MCO": "Monaco",
    "MDA": "Republic of Moldova", "MDG": "Madagascar", "MDV": "Maldives", "MEX": "Mexico",
    "MHL": "Marshall Islands", "MKD": "North Macedonia", "MLI": "Mali", "MLT": "Malta",
    "MMR": "Myanmar", "MNE": "Montenegro", "MNG": "Mongolia", "MOZ": "Mozambique",
    "MRT": "Mauritania", "MUS": "Mauritius", "MWI": "Malawi", "MYS": "Malaysia",
    "NAM": "Namibia", "NER": "Niger", "NGA": "Nigeria", "NIC": "Nicaragua",
    "NLD": "Netherlands", "NOR": "Norway", "NPL": "Nepal", "NRU": "Nauru",
    "NZL": "New Zealand", "OMN": "Oman", "PAK": "Pakistan", "PAN": "Panama", "PER": "Peru",
    "PHL": "Philippines", "PNG": "Papua New Guinea", "POL": "Poland",
    "PRK": "Democratic People's Republic of Korea", "PRT": "Portugal", "PRY": "Paraguay",
    "PSE": "State of Palestine", "QAT": "Qatar", "ROU": "Romania",
    "RUS": "Russian Federation", "RWA": "Rwanda", "SAU": "Saudi Arabia", "SDN": "Sudan",
    "SEN": "Senegal", "SGP": "Singapore", "SLB": "Solomon Islands", "SLE": "Sierra Leone",
    "SLV": "El Salvador", "SOM": "Somalia", "SSD": "South Sudan",
    "STP": "Sao Tome and Principe", "SUR": "Suriname", "SVK": "Slovakia", "SVN": "Slovenia",
    "SWE": "Sweden", "SWZ": "Eswatini", "SYC": "Seychelles", "SYR": "Syrian Arab Republic",
    "TCD": "Chad", "TGO": "Togo", "THA": "Thailand", "TJK": "Tajikistan",
    "TKM": "Turkmenistan", "TTO": "Trinidad and Tobago", "TUN": "Tunisia", "TUR": "Türkiye",
    "TUV": "Tuvalu", "TZA": "United Republic of Tanzania", "UGA": "Uganda", "UKR": "Ukraine",
    "URY": "Uruguay", "USA": "United States of America", "UZB": "Uzbekistan",
    "VAT": "Holy See", "VCT": "Saint Vincent and the Grenadines", "VEN": "Venezuela",
    "VNM": "Viet Nam", "VUT": "Vanuatu", "WSM": "Samoa", "YEM": "Yemen",
    "YUG": "Yugoslavia", "ZAF": "South Africa", "ZMB": "Zambia", "ZWE": "Zimbabwe",
}

ORDINAL = {1: "st", 2: "nd", 3: "rd"}


def ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else ORDINAL.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------
# The UN Charter as speeches name and quote it

CHARTER_ALIASES = [
    "Charter",
    "U.N. Charter",
    "San Francisco Charter",
    "Charter of San Francisco",
    "Charter of the Organization",
    "Charter of our Organization",
]


def charter_wordings(doc):
    """The earlier wordings of the Charter's amended articles, made from today's text by the
    amendments' own changes (General Assembly resolutions 1991 A (XVIII) of 17 December 1963,
    in force 31 August 1965: Articles 23, 27, 61; 2101 (XX) of 20 December 1965, in force
    12 June 1968: Article 109; 2847 (XXVI) of 20 December 1971, in force 24 September 1973:
    Article 61 again). Each wording holds until the day its amendment came into force."""
    until_1965 = "1965-08-30"
    changes = {
        "23.1": [([("fifteen Members", "eleven Members"), ("ten other Members", "six other Members")], until_1965)],
        "23.2": [([("In the first election of the non-permanent members after the increase of the membership of the Security Council from eleven to fifteen, two of the four additional members shall be chosen for a term of one year.",
                    "In the first election of the non-permanent members, however, three shall be chosen for a term of one year.")], until_1965)],
        "27.2": [([("nine members", "seven members")], until_1965)],
        "27.3": [([("nine members", "seven members")], until_1965)],
        "61.1": [
            ([("fifty-four Members", "eighteen Members")], until_1965),
            ([("fifty-four Members", "twenty-seven Members")], "1973-09-23"),
        ],
        "61.2": [
            ([("eighteen members of the Economic and Social Council", "six members of the Economic and Social Council")], until_1965),
            ([("eighteen members of the Economic and Social Council", "nine members of the Economic and Social Council")], "1973-09-23"),
        ],
        "109.1": [([("any nine members of the Security Council", "any seven members of the Security Council")], "1968-06-11")],
        "109.3": [([("any nine members of the Security Council", "any seven members of the Security Council")], "1968-06-11")],
    }
    by_label = {c["id"]: c for c in doc["clause"]}
    made = 0
    for label, wordings in changes.items():
        clause = by_label.get(label)
        if clause is None:
            continue
        earlier = []
        for subs, until in wordings:
            text = clause["text"]
            ok = True
            for new, old in subs:
                if new not in text:
                    ok = False
                    break
                text = text.replace(new, old)
            if ok:
                earlier.append({"text": text, "until": until})
        if earlier:
            clause["earlier"] = earlier
            made += 1
            # the article as a whole carries the same change
            parent = by_label.get(label.split(".")[0])
            if parent is not None:
                whole = parent.get("earlier") or [{"text": parent["text"], "until": w["until"]} for w in earlier]
                for w, e in zip(whole, earlier):
                    w["text"] = w["text"].replace(clause["text"], e["text"])
                parent["earlier"] = whole
    return made


# ---------------------------------------------------------------------------
# Speeches

NUMBERED = re.compile(r"^\s*\d{1,3}\s*\.\s")
SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")


def paragraphs(text):
    """The speech's paragraphs. The corpus gives a paragraph per line, except in about a third
    of the speeches, hard-wrapped at some 40 to 60 characters. A line break is a paragraph break
    when the next line opens with a paragraph number ("49. "); or, in a wrapped speech, when the
    line ends a sentence well short of the wrapping width; or, in an unwrapped one, unless the
    line ends mid-sentence and the next goes on in lower case. Lines of a paragraph are kept
    apart by their line breaks, as in the source."""
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    lines = [l for l in lines if l.strip()]
    if not lines:
        return []
    lengths = sorted(len(l) for l in lines)
    wrapped = statistics.median(lengths) < 120
    width = lengths[int(0.9 * (len(lengths) - 1))]
    out = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        if NUMBERED.match(line):
            brk = True
        elif wrapped:
            brk = bool(SENTENCE_END.search(prev)) and len(prev) < 0.75 * width
        else:
            brk = not (not SENTENCE_END.search(prev) and re.match(r"\s*[a-z]", line))
        if brk:
            out.append([line])
        else:
            out[-1].append(line)
    return ["\n".join(p).strip() for p in out]


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def speech_file(path):
    m = re.match(r"([A-Z]{2,3})_(\d+)_(\d{4})\.txt$", path.name)
    if not m:
        return None
    iso, session, year = m.group(1), int(m.group(2)), m.group(3)
    raw = path.read_bytes().decode("utf-8", errors="replace").lstrip("\ufeff")
    paras = paragraphs(raw)
    if not paras:
        return None
    # A paragraph that is only "+++" would close the front matter: it never occurs, but keep
    # the body safe anyway.
    paras = [p if p.strip() != "+++" else "+ + +" for p in paras]
    name = STATES.get(iso, iso)
    front = "\n".join([
        "+++",
        f"id = {toml_str(f'{iso.lower()}-{session:02d}-{year}')}",
        f"title = {toml_str(f'{name}: statement in the General Debate of the {ordinal(session)} session of the UN General Assembly ({year})')}",
        'kind = "statement"',
        f"date = {toml_str(year)}",
        'place = "New York"',
        f"authors = [{toml_str(iso.lower())}]",
        'language = "en"',
        f"source = {toml_str(f'UN General Debate Corpus 1946-2024 (Jankin, Baturo, Dasandi; Harvard Dataverse, doi:10.7910/DVN/0TJX8Y), {path.name}')}",
        "+++",
    ])
    return iso, front + "\n" + "\n\n".join(paras) + "\n"


def default_speeches():
    data = Path(os.environ.get("CONCORD_DATA") or ROOT.parent / "shared" / "data")
    return data / "ungdc-dev" / "speeches.tar.xz"


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    src = Path(args[0]) if args else default_speeches()
    out = Path(args[1]) if len(args) > 1 else Path("ungdc-corpus")
    if not src.exists():
        print(f"convert.py: no speeches at {src}.\n"
              "  Give the folder or .tar.xz of the UN General Debate speeches as the first argument,\n"
              "  or set CONCORD_DATA to the data folder that holds ungdc-dev/speeches.tar.xz.",
              file=sys.stderr)
        return 2
    tmp = None
    if src.is_file():
        tmp = tempfile.TemporaryDirectory()
        with tarfile.open(src) as t:
            t.extractall(tmp.name, filter="data")
        src = Path(tmp.name)
    if out.exists():
        shutil.rmtree(out)
    (out / "speeches").mkdir(parents=True)

    ot = load_treaty_converter()
    treaties = out / "treaties"
    treaties.mkdir()
    stats = {"articles": 0, "split": 0, "how": {}, "not split": [], "testimonium cut": [], "empty": []}
    for f in sorted((ROOT / "tests/data/open-treaties").glob("*.json")):
        doc = ot.convert(f, stats)
        if doc["id"] == "un-charter":
            doc["aliases"] += [a for a in CHARTER_ALIASES if a not in doc["aliases"]]
            charter_wordings(doc)
        (treaties / f"{doc['id']}.json").write_text(
            json.dumps({"document": [doc]}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    seen = set()
    n = 0
    for path in sorted(src.rglob("*.txt")):
        made = speech_file(path)
        if made is None:
            continue
        iso, body = made
        seen.add(iso)
        rel = path.relative_to(src)
        dest = out / "speeches" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(body, encoding="utf-8")
        n += 1
    with open(out / "actors.toml", "w", encoding="utf-8") as a:
        for iso in sorted(seen):
            name = STATES.get(iso, iso)
            kind = "organization" if iso == "EU" else "state"
            a.write(f"[[actor]]\nid = {toml_str(iso.lower())}\nname = {toml_str(name)}\nkind = \"{kind}\"\n\n")
    print(f"convert.py: {n} speeches by {len(seen)} actors, 28 treaties -> {out}", file=sys.stderr)
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
