//! PDF: the text layer. (Not written yet.)

use super::{Extracted, IngestError};

pub fn extract(_bytes: &[u8]) -> Result<Extracted, IngestError> {
    Err(IngestError::Unreadable {
        format: "PDF",
        why: "PDF is not read yet".into(),
    })
}
