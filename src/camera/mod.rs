//! Frame sources: the USB camera through nokhwa on its own thread, with a frame-age watchdog and
//! reopen-with-backoff; and the replay source (image files, scripted motion) for the demo and
//! tests. Knows nothing of the UI. Built by issue #6.

mod scene;

pub use scene::{Placement, Subject, plain_backdrop};
