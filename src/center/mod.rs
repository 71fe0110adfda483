//! The detection center: API types, the client (reqwest on tokio), the durable outbox
//! (rusqlite) and the reference server (axum). Knows nothing of the UI. The client, outbox and
//! server are built by issue #4.

pub mod api;
