#!/usr/bin/env python3
"""The metadata table of a folder of UN General Debate speeches, for `concord add --meta` and
`concord build --meta`, made from the speeches' file names alone; and the actors they name.

    python3 examples/ungdc/meta.py SPEECHES TABLE.csv [ACTORS.toml]

SPEECHES is a folder of `Session NN - YYYY/ISO_NN_YYYY.txt` files (the speeches as the corpus
ships them: plain text, no front matter). TABLE.csv gets one row per speech:

    file,id,title,author,date,place,language,source
    Session 63 - 2008/QAT_63_2008.txt,qat-63-2008,"Qatar, General Debate, 63rd session (2008)",qat,2008,New York,en,...

`file` is the path in SPEECHES; `id` is what `concord add` would make of the file name anyway
(`qat-63-2008`, as `convert.py` names it too); the author is the speaking state, by the actor
id `convert.py` gives it (its ISO 3166 alpha-3 code, lower case). ACTORS.toml, when given, gets
those actors (the states of `convert.py`'s table, by the same ids and names). Python 3 standard
library only.
"""

import csv
import importlib.util
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_convert():
    spec = importlib.util.spec_from_file_location("ungdc_convert", HERE / "convert.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NAME = re.compile(r"([A-Z]{2,3})_(\d+)_(\d{4})\.txt$")
SOURCE = "UN General Debate Corpus 1946-2024 (Jankin, Baturo, Dasandi; Harvard Dataverse, doi:10.7910/DVN/0TJX8Y), {}"


def rows(speeches, states, ordinal):
    for path in sorted(speeches.rglob("*.txt")):
        m = NAME.match(path.name)
        if not m:
            continue
        iso, session, year = m.group(1), int(m.group(2)), m.group(3)
        name = states.get(iso, iso)
        yield {
            "file": path.relative_to(speeches).as_posix(),
            "id": f"{iso.lower()}-{session:02d}-{year}",
            "title": f"{name}, General Debate, {ordinal(session)} session ({year})",
            "author": iso.lower(),
            "date": year,
            "place": "New York",
            "language": "en",
            "source": SOURCE.format(path.name),
        }


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    speeches, table = Path(argv[0]), Path(argv[1])
    if not speeches.is_dir():
        print(f"meta.py: {speeches} is not a folder of speeches (extract the .tar.xz first)", file=sys.stderr)
        return 2
    convert = load_convert()
    made = list(rows(speeches, convert.STATES, convert.ordinal))
    with open(table, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(made[0].keys()) if made else ["file"], lineterminator="\n")
        w.writeheader()
        w.writerows(made)
    if len(argv) > 2:
        seen = sorted({r["author"] for r in made})
        with open(argv[2], "w", encoding="utf-8") as a:
            for iso in seen:
                code = iso.upper()
                kind = "organization" if code == "EU" else "state"
                a.write(f"[[actor]]\nid = {toml_str(iso)}\nname = {toml_str(convert.STATES.get(code, code))}\nkind = \"{kind}\"\n\n")
    print(f"meta.py: {len(made)} speeches -> {table}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
