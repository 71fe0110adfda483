//! The detection center: API types, the client (reqwest on tokio), the durable outbox
//! (rusqlite) and the reference server (axum). Knows nothing of the UI. Built by issue #4.
