//! The rustyline helper: completion, hints, highlighting and multi-line validation, over
//! the pure functions of `complete` and `text`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use concord::engine::Engine;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::history::SearchDirection;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Cmd, ConditionalEventHandler, Context, Event, EventContext, Helper, RepeatCount};

use super::complete::{self, Completion};
use super::text;

pub struct ReplHelper {
    pub engine: Rc<RefCell<Engine>>,
    pub completer: Rc<complete::Completer>,
    files: FilenameCompleter,
    /// Colour the input (off: `--color never`, `NO_COLOR`, or stdout not a terminal). The
    /// highlighter runs either way (rustyline's colour mode is forced on), to draw the
    /// continuation prompt.
    pub color: bool,
}

impl ReplHelper {
    pub fn new(
        engine: Rc<RefCell<Engine>>,
        completer: Rc<complete::Completer>,
        color: bool,
    ) -> Self {
        ReplHelper {
            engine,
            completer,
            files: FilenameCompleter::new(),
            color,
        }
    }

    fn completion(&self, line: &str, pos: usize) -> Option<Completion> {
        let engine = self.engine.try_borrow().ok()?;
        Some(self.completer.complete(&engine, line, pos))
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match self.completion(line, pos) {
            Some(Completion::Files) => self.files.complete_path(line, pos),
            Some(Completion::Words { start, candidates }) => Ok((
                start,
                candidates
                    .into_iter()
                    .map(|c| Pair {
                        display: c.clone(),
                        replacement: c,
                    })
                    .collect(),
            )),
            None => Ok((pos, Vec::new())),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    /// The rest of the newest history entry that starts with the line, or else the rest of
    /// the only completion of the word at the cursor.
    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if line.trim().is_empty() || pos < line.len() {
            return None;
        }
        let history = ctx.history();
        let start = if ctx.history_index() == history.len() {
            ctx.history_index().saturating_sub(1)
        } else {
            ctx.history_index()
        };
        if let Ok(Some(sr)) = history.starts_with(line, start, SearchDirection::Reverse)
            && sr.entry.len() > line.len()
            && sr.entry.is_char_boundary(pos)
        {
            return Some(sr.entry[pos..].to_string());
        }
        let Some(Completion::Words { start, candidates }) = self.completion(line, pos) else {
            return None;
        };
        let typed = &line[start..pos];
        match candidates.as_slice() {
            [only]
                if !typed.is_empty()
                    && only.len() > typed.len()
                    && only.is_char_boundary(typed.len())
                    && only[..typed.len()].eq_ignore_ascii_case(typed) =>
            {
                Some(only[typed.len()..].to_string())
            }
            _ => None,
        }
    }
}

impl Highlighter for ReplHelper {
    /// Colours (unless off) and, always, the continuation prompt of multi-line input.
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color || line.contains('\n') {
            Cow::Owned(text::highlight(line, self.color))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("{}{hint}\x1b[0m", text::DIM))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if text::needs_more(ctx.input()) {
            ValidationResult::Incomplete
        } else {
            ValidationResult::Valid(None)
        })
    }
}

impl Helper for ReplHelper {}

/// Enter at the end of an unfinished statement: a newline and the continuation indentation
/// (taken out again before the statement runs). Elsewhere, rustyline's own Enter (which
/// validates).
pub struct EnterHandler;

impl ConditionalEventHandler for EnterHandler {
    fn handle(
        &self,
        _evt: &Event,
        _n: RepeatCount,
        _positive: bool,
        ctx: &EventContext,
    ) -> Option<Cmd> {
        let line = ctx.line();
        if ctx.pos() != line.len() || !text::needs_more(line) {
            return None;
        }
        Some(Cmd::Insert(1, format!("\n{}", text::INDENT)))
    }
}
