//! systemd's notification protocol: `READY=1` once the booth shows its first screen, and
//! `WATCHDOG=1` from the UI loop, so a frozen UI stops the pings and systemd restarts the booth.
//! The booth runs under cage, so the unit sets `NotifyAccess=all`.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Talks to systemd, when systemd asked for it (`$NOTIFY_SOCKET`).
#[derive(Debug)]
pub struct Watchdog {
    socket: Option<(UnixDatagram, PathBuf)>,
    interval: Option<Duration>,
    last: Option<Instant>,
}

impl Watchdog {
    /// From `$NOTIFY_SOCKET` and `$WATCHDOG_USEC`; does nothing outside systemd.
    pub fn from_env() -> Watchdog {
        let path = std::env::var_os("NOTIFY_SOCKET").map(PathBuf::from);
        let usec = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|v| v.parse::<u64>().ok());
        Watchdog::new(path, usec.map(Duration::from_micros))
    }

    /// To the socket at `path` (abstract sockets, `@…`, are not supported), pinging within
    /// `timeout`.
    pub fn new(path: Option<PathBuf>, timeout: Option<Duration>) -> Watchdog {
        let socket = path
            .filter(|p| !p.to_string_lossy().starts_with('@'))
            .and_then(|p| UnixDatagram::unbound().ok().map(|s| (s, p)));
        Watchdog {
            socket,
            interval: timeout.map(|t| t / 2),
            last: None,
        }
    }

    fn send(&self, message: &str) {
        if let Some((socket, path)) = &self.socket
            && let Err(error) = socket.send_to(message.as_bytes(), path)
        {
            tracing::warn!(%error, "watchdog: cannot notify systemd");
        }
    }

    /// Tells systemd the booth is up.
    pub fn ready(&self) {
        self.send("READY=1");
    }

    /// Pings if half the watchdog timeout has passed since the last ping. Call it from the UI
    /// loop, never from a thread of its own: the ping must stop when the UI does.
    pub fn ping_if_due(&mut self) {
        let Some(interval) = self.interval else {
            return;
        };
        if self.last.is_none_or(|t| t.elapsed() >= interval) {
            self.send("WATCHDOG=1");
            self.last = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pings_stop_when_the_loop_stalls() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("notify");
        let systemd = UnixDatagram::bind(&path).expect("bind");
        systemd
            .set_read_timeout(Some(Duration::from_millis(20)))
            .expect("timeout");
        let mut dog = Watchdog::new(Some(path), Some(Duration::from_millis(100)));
        dog.ready();
        let mut buf = [0u8; 64];
        let n = systemd.recv(&mut buf).expect("ready");
        assert_eq!(&buf[..n], b"READY=1");
        let mut count = |ms: u64, dog: &mut Watchdog, running: bool| {
            let start = Instant::now();
            let mut pings = 0;
            while start.elapsed() < Duration::from_millis(ms) {
                if running {
                    dog.ping_if_due();
                }
                if let Ok(n) = systemd.recv(&mut buf) {
                    assert_eq!(&buf[..n], b"WATCHDOG=1");
                    pings += 1;
                }
            }
            pings
        };
        assert!(
            count(300, &mut dog, true) >= 4,
            "a running loop pings every half timeout"
        );
        assert_eq!(count(300, &mut dog, false), 0, "a stalled loop does not");
        assert!(
            count(200, &mut dog, true) >= 2,
            "and pings again when it runs"
        );
    }
}
