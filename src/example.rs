//! The example corpus compiled into the binary (`examples/osce`).

use crate::corpus::SourceFile;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/example_corpus.rs"));
}

/// The example corpus's files, as if read from `examples/osce`.
pub fn files() -> Vec<SourceFile> {
    embedded::FILES
        .iter()
        .map(|(path, content)| SourceFile {
            path: path.to_string(),
            content: content.to_string(),
        })
        .collect()
}
