//! chat-core's wire tests, in one binary: golden JSON for every REST type, and every frame
//! example of `docs/PROTOCOL.md`.

mod golden;
mod protocol_doc;
