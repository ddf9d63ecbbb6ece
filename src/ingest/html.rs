//! HTML: the main text of a page. (Not written yet.)

use super::{Extracted, IngestError};

pub fn extract(_bytes: &[u8]) -> Result<Extracted, IngestError> {
    Err(IngestError::Unreadable {
        format: "HTML",
        why: "HTML is not read yet".into(),
    })
}
