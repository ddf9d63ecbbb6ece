//! The `concord` command line: the only place that prints.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
