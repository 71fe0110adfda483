//! The applicant flow as a pure state machine: `update(event) -> effects`, timeouts as events.
//! No I/O, no egui. Built by issue #6.
