//! chat-core's wire tests, in one binary: golden JSON for every REST type, every frame
//! example of `docs/PROTOCOL.md`, and the inputs the fuzz targets found.

mod fuzz_regressions;
mod golden;
mod protocol_doc;
