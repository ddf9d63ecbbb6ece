//! Help for the interactive shell, as data: the dot-commands and the topics
//! `.help TOPIC` shows (one per form of the language, each with examples that
//! run on the built-in example). The REPL prints from here and completes from
//! here; nothing else holds help text.

/// A dot-command of the shell.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    /// With its dot: `.format`.
    pub name: &'static str,
    /// The arguments, as a usage line shows them.
    pub args: &'static str,
    pub summary: &'static str,
}

/// A help topic.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    pub name: &'static str,
    /// Other words that find it (`.help cited-by` finds `filters` ...).
    pub aliases: &'static [&'static str],
    pub summary: &'static str,
    /// The explanation, already wrapped.
    pub text: &'static str,
    /// Statements that run on the built-in example.
    pub examples: &'static [&'static str],
}

const fn c(name: &'static str, args: &'static str, summary: &'static str) -> Command {
    Command {
        name,
        args,
        summary,
    }
}

/// Every dot-command, in the order `.help` lists them.
pub const COMMANDS: &[Command] = &[
    c(
        ".help",
        "[TOPIC]",
        "this list, or help on a topic of the language",
    ),
    c(
        ".open",
        "FILE.db",
        "open another store (built with `concord build`)",
    ),
    c(
        ".read",
        "SCRIPT",
        "run the statements (and dot-commands) of a file",
    ),
    c(
        ".format",
        "[table|csv|tsv|json|jsonl|markdown|dot]",
        "how results are printed",
    ),
    c(
        ".sql",
        "[on|off]",
        "print the compiled SQL before the results",
    ),
    c(".timer", "[on|off]", "print how long each statement took"),
    c(
        ".param",
        "set NAME VALUE | unset NAME | list",
        "parameters: `$NAME` stands for VALUE",
    ),
    c(".maxrows", "[N]", "rows a table shows at most (0: no cap)"),
    c(
        ".wrap",
        "[on|off]",
        "wrap long text in table cells (off: cut it with `…`)",
    ),
    c(
        ".fields",
        "[SET]",
        "the fields of a set, with what they hold",
    ),
    c(
        ".output",
        "[FILE]",
        "send results to FILE; without FILE, back to the screen",
    ),
    c(".once", "FILE", "send the next result only to FILE"),
    c(".quit", "", "leave (also `.exit` and Ctrl-D)"),
    c(".exit", "", "leave"),
];

/// What `.help` prints under the list of commands.
pub const KEYS: &str = "\
Keys: Tab completes (keywords, fields, names from the store, files after .open/.read);
Up/Down walk the history, Ctrl-R searches it; Right arrow takes the grey hint;
an open `(` or `\"` continues on the next line (Enter on an empty line gives up);
Ctrl-C cancels a running query or clears the line; Ctrl-D leaves.";

const fn t(
    name: &'static str,
    aliases: &'static [&'static str],
    summary: &'static str,
    text: &'static str,
    examples: &'static [&'static str],
) -> Topic {
    Topic {
        name,
        aliases,
        summary,
        text,
        examples,
    }
}

/// The topics of the language, in the order `.help` lists them.
pub const TOPICS: &[Topic] = &[
    t(
        "queries",
        &["query", "language"],
        "the shape of a query",
        "A query names a set, narrows it with relation filters (all must hold) and a
`where` condition, and may then sort, cut, count or choose columns:
    SET FILTER... [where COND] [order by F] [limit N [offset M]] [count [by F] | select F, ...]",
        &[
            "clauses cited-by lavrov where principle = indivisibility",
            "statements by russia citing istanbul-charter after 2022-01-01",
        ],
    ),
    t(
        "sets",
        &[
            "set",
            "documents",
            "statements",
            "clauses",
            "actors",
            "principles",
            "citations",
        ],
        "what a query can list",
        "documents, statements (documents whose kind is `statement`), clauses, actors,
principles and citations. The singular works too (`clause`, `document`, ...).
`.fields SET` lists what each row of a set has.",
        &["statements", "actors order by name", "principles"],
    ),
    t(
        "filters",
        &[
            "filter",
            "in",
            "by",
            "cited-by",
            "citing",
            "expressing",
            "not",
        ],
        "relation filters: in, by, cited-by, citing, expressing, not",
        "After the set, any number of filters, all of which must hold; `not` negates one.
  in X          clauses of document X or under clause X; actors that are members
                of X (through other members too); principles expressed in X
  by A          documents, statements, clauses, citations made by A or by an
                actor that represents A (Lavrov speaks for Russia)
  cited-by X    clauses, documents, principles, actors cited by actor X, or from
                document or clause X
  citing X      documents, statements, clauses, actors citing X (a clause, a
                document, a principle or an actor's documents)
  expressing P  clauses (or documents with a clause) tagged with principle P",
        &[
            "clauses in istanbul-charter#8",
            "actors in nato",
            "statements by russia",
            "clauses cited-by lavrov not cited-by usa",
            "actors citing principle freedom-of-alliance",
            "clauses expressing indivisibility",
        ],
    ),
    t(
        "relations",
        &["relation", "reaffirming", "transitive"],
        "relations between documents: reaffirming, reaffirmed-by, *",
        "Any relation type in the store is a filter on documents, in its verb forms:
`reaffirms`/`reaffirming X` (the row reaffirms X), `reaffirmed-by X` (X reaffirms
the row). A `*` right after the verb follows the relation transitively.",
        &[
            "documents reaffirming istanbul-charter",
            "documents reaffirming* istanbul-charter order by date",
            "documents reaffirmed-by astana-declaration",
        ],
    ),
    t(
        "dates",
        &["date", "before", "after", "between"],
        "before, after, between",
        "Documents, statements, clauses and citations by their document's date.
Dates are YYYY, YYYY-MM or YYYY-MM-DD.",
        &[
            "statements after 2022-01-01",
            "documents between 1990 and 2000",
            "citations before 2022-02",
        ],
    ),
    t(
        "targets",
        &["target", "names", "name", "clause-ref", "subquery"],
        "what a filter takes: names, DOC#LABEL, $param, (subquery), (list)",
        "A target is a name (an id or an alias, any case; quote names with spaces), a
clause reference DOC#LABEL, a parameter $name, a subquery in parentheses, or a
list in parentheses (any of them). A kind settles an ambiguous name:
`actor lavrov`, `document istanbul-charter`, `principle indivisibility`.",
        &[
            "clauses cited-by \"Sergey Lavrov\"",
            "clauses cited-by (usa, nato)",
            "clauses cited-by (actors in nato)",
            "clauses in istanbul-charter#8",
        ],
    ),
    t(
        "where",
        &["condition", "conditions", "operators", "matches", "~"],
        "conditions on fields",
        "`where` compares fields, joined by and, or, not and parentheses.
Operators: = != < <= > >=, ~ (contains, any case), matches \"...\" (full-text
search), in (v, ...), is null, is not null. Values: \"strings\", words, numbers,
dates, $params. A field with many values (principle, author, alias, by, ...)
holds when any value does. `.fields SET` lists the fields.",
        &[
            "clauses where principle = indivisibility",
            "clauses where text ~ \"expense\" and not principle = neutrality",
            "clauses where text matches \"indivisible security\" limit 5",
            "documents where kind in (charter, treaty)",
            "documents where place is null",
        ],
    ),
    t(
        "order",
        &["order by", "sort", "asc", "desc"],
        "order by FIELD [asc|desc], ...",
        "Sorts the rows. Without it the order is stable and meaningful: documents by
date, clauses by document then position.",
        &["documents order by date desc", "actors order by kind, id"],
    ),
    t(
        "limit",
        &["offset"],
        "limit N [offset M]",
        "Keeps at most N rows, after skipping M.",
        &["clauses limit 5", "clauses limit 5 offset 10"],
    ),
    t(
        "count",
        &["count by", "group"],
        "count, count by FIELD",
        "`count` at the end gives one number; `count by FIELD` gives each value with
its count, largest first.",
        &[
            "citations by lavrov count",
            "citations by lavrov where stance = invokes count by to",
            "documents count by kind",
        ],
    ),
    t(
        "select",
        &["columns"],
        "select FIELD, ...",
        "Chooses the columns. Each set has sensible default columns.",
        &[
            "documents select id, date, place",
            "citations select from, to, quote",
        ],
    ),
    t(
        "explain",
        &["sql", "plan"],
        "explain QUERY",
        "Prints the SQL a query compiles to, its bound parameters and SQLite's plan.
`.sql on` prints the SQL before every result instead.",
        &["explain clauses cited-by lavrov where principle = indivisibility"],
    ),
    t(
        "compare",
        &["selective"],
        "compare ACTOR, ... in DOC|DOC#LABEL",
        "Puts side by side what each actor cites of a document or of the clauses under a clause:
a row per clause (in order) with its text, a column per actor holding the number of
citations of that clause it made (0: it does not cite it), and the clause's principles.",
        &["compare lavrov, usa in istanbul-charter#8"],
    ),
    t(
        "show",
        &["card"],
        "show TARGET",
        "Prints one thing in full: a clause with its text, principles, parent,
children, and who cites it with what quotes; a document with its clauses; an
actor with its documents and citations.",
        &[
            "show istanbul-charter#8",
            "show lavrov",
            "show indivisibility",
        ],
    ),
    t(
        "let",
        &["variables", "sets"],
        "let NAME = QUERY",
        "Names a set for the rest of the session; `$NAME` then stands for it wherever
a target may.",
        &[
            "let nato-states = actors in nato",
            "clauses cited-by $nato-states",
        ],
    ),
    t(
        "params",
        &["param", "parameters", "$"],
        "$params",
        "`$name` stands for a value set with `.param set name VALUE` here, or with
`--param name=VALUE` on the command line. `.param list` shows them.",
        &[".param set who lavrov", "clauses cited-by $who"],
    ),
    t(
        "scripts",
        &["script", "comments", "comment", "--", ";"],
        "several statements, comments, .read",
        "Statements are separated by `;` or blank lines; `--` starts a comment to the end
of the line. `.read FILE` runs a file of statements (dot-commands may stand on
their own lines); `concord run FILE` does the same from the shell.",
        &["principles; actors in nato -- two statements"],
    ),
];

/// The topic `word` names (its name or an alias, any case).
pub fn topic(word: &str) -> Option<&'static Topic> {
    let w = word.trim().to_ascii_lowercase();
    let w = w.trim_start_matches('.');
    TOPICS
        .iter()
        .find(|t| t.name == w || t.aliases.contains(&w))
}

/// The dot-command `name` (with or without its dot).
pub fn command(name: &str) -> Option<&'static Command> {
    let name = name.trim_start_matches('.');
    COMMANDS.iter().find(|c| &c.name[1..] == name)
}

/// Every word `.help` accepts: topic names, then their aliases, then commands.
pub fn topic_words() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = TOPICS.iter().map(|t| t.name).collect();
    for t in TOPICS {
        v.extend(t.aliases.iter().copied().filter(|a| !a.contains(' ')));
    }
    v.extend(COMMANDS.iter().map(|c| c.name));
    v
}

/// The text of `.help` without a topic.
pub fn overview() -> String {
    let mut s = String::from("Commands:\n");
    let w = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.args.len())
        .max()
        .unwrap_or(0);
    for c in COMMANDS {
        let usage = if c.args.is_empty() {
            c.name.to_string()
        } else {
            format!("{} {}", c.name, c.args)
        };
        s.push_str(&format!("  {usage:<w$}  {}\n", c.summary));
    }
    s.push_str("\nThe language (.help TOPIC):\n");
    let w = TOPICS.iter().map(|t| t.name.len()).max().unwrap_or(0);
    for t in TOPICS {
        s.push_str(&format!("  {:<w$}  {}\n", t.name, t.summary));
    }
    s.push('\n');
    s.push_str(KEYS);
    s.push('\n');
    s
}

/// The text of `.help TOPIC`.
pub fn topic_text(t: &Topic) -> String {
    let mut s = format!("{} — {}\n\n{}\n", t.name, t.summary, t.text);
    if !t.examples.is_empty() {
        s.push_str("\nExamples:\n");
        for e in t.examples {
            s.push_str(&format!("  {e}\n"));
        }
    }
    s
}

/// The text of `.help .COMMAND`.
pub fn command_text(c: &Command) -> String {
    format!("{} {}\n  {}\n", c.name, c.args, c.summary)
}
