//! systemd's notification protocol (sd_notify(3)): one datagram of `KEY=value` lines to the
//! socket named by `$NOTIFY_SOCKET`. `READY=1` once the booth shows its first screen (the center
//! once it listens), `WATCHDOG=1` from the UI loop (the center: while it answers), so a frozen
//! loop stops the pings and systemd restarts the unit, and `STATUS=…`, the line `systemctl
//! status` shows. The booth runs under cage, so its unit sets `NotifyAccess=all`.

use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Sends notifications to systemd, when systemd asked for them (`$NOTIFY_SOCKET`); does
/// nothing otherwise.
#[derive(Debug)]
pub struct Notifier {
    socket: Option<(UnixDatagram, SocketAddr)>,
}

impl Notifier {
    /// From `$NOTIFY_SOCKET`.
    pub fn from_env() -> Notifier {
        Notifier::new(std::env::var_os("NOTIFY_SOCKET").map(PathBuf::from))
    }

    /// To the socket at `path`; `@name` is the abstract socket `name`.
    pub fn new(path: Option<PathBuf>) -> Notifier {
        let socket = path.and_then(|path| {
            let text = path.to_string_lossy();
            let addr = match text.strip_prefix('@') {
                Some(name) => SocketAddr::from_abstract_name(name.as_bytes()),
                None => SocketAddr::from_pathname(&path),
            };
            match (UnixDatagram::unbound(), addr) {
                (Ok(socket), Ok(addr)) => Some((socket, addr)),
                (Err(error), _) | (_, Err(error)) => {
                    tracing::warn!(%error, "systemd: cannot use $NOTIFY_SOCKET");
                    None
                }
            }
        });
        Notifier { socket }
    }

    /// Whether systemd listens.
    pub fn enabled(&self) -> bool {
        self.socket.is_some()
    }

    /// Sends one message (`KEY=value` lines).
    pub fn send(&self, message: &str) {
        if let Some((socket, addr)) = &self.socket
            && let Err(error) = socket.send_to_addr(message.as_bytes(), addr)
        {
            tracing::warn!(%error, "systemd: cannot notify");
        }
    }

    /// `STATUS=`: one line for `systemctl status`. Line breaks would end the field, so they
    /// become spaces.
    pub fn status(&self, line: &str) {
        self.send(&format!("STATUS={}", line.replace(['\n', '\r'], " ")));
    }
}

/// Feeds systemd's watchdog, when the unit has one (`$WATCHDOG_USEC`).
#[derive(Debug)]
pub struct Watchdog {
    notifier: Notifier,
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

    /// To the socket at `path`, pinging within `timeout`.
    pub fn new(path: Option<PathBuf>, timeout: Option<Duration>) -> Watchdog {
        Watchdog {
            notifier: Notifier::new(path),
            interval: timeout.map(|t| t / 2),
            last: None,
        }
    }

    /// Half the watchdog timeout: how often to ping (`None`: no watchdog).
    pub fn interval(&self) -> Option<Duration> {
        self.interval
    }

    /// Tells systemd the service is up.
    pub fn ready(&self) {
        self.notifier.send("READY=1");
    }

    /// Pings now.
    pub fn ping(&mut self) {
        self.notifier.send("WATCHDOG=1");
        self.last = Some(Instant::now());
    }

    /// Pings if half the watchdog timeout has passed since the last ping. Call it from the UI
    /// loop, never from a thread of its own: the ping must stop when the UI does.
    pub fn ping_if_due(&mut self) {
        let Some(interval) = self.interval else {
            return;
        };
        if self.last.is_none_or(|t| t.elapsed() >= interval) {
            self.ping();
        }
    }
}

/// Feeds `watchdog` for a server: every half timeout, `GET url` (the server's health route), and
/// a ping only when it answered with a success within that time. A server that stops answering
/// stops the pings and systemd restarts it. Runs until its task is dropped; without a watchdog
/// it returns at once.
pub async fn feed_while_answering(mut watchdog: Watchdog, url: reqwest::Url) {
    let Some(every) = watchdog.interval() else {
        return;
    };
    // reqwest is built without a default crypto provider: ring is ours.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The server's own address: its certificate may not name it, and nothing secret is sent.
    let client = match reqwest::Client::builder()
        .timeout(every)
        .no_proxy()
        .tls_danger_accept_invalid_certs(true)
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "watchdog: no HTTP client; systemd will restart the service");
            return;
        }
    };
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut answering = true;
    loop {
        ticks.tick().await;
        let answer = client.get(url.clone()).send().await;
        match answer.map(|r| r.status()) {
            Ok(status) if status.is_success() => {
                watchdog.ping();
                if !answering {
                    tracing::info!("watchdog: the server answers again");
                }
                answering = true;
            }
            outcome => {
                if answering {
                    let why = match outcome {
                        Ok(status) => status.to_string(),
                        Err(error) => error.to_string(),
                    };
                    tracing::warn!(%why, "watchdog: the server does not answer; not pinging");
                }
                answering = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn systemd() -> (tempfile::TempDir, PathBuf, UnixDatagram) {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("notify");
        let socket = UnixDatagram::bind(&path).expect("bind");
        socket
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        (dir, path, socket)
    }

    #[test]
    fn a_status_is_one_datagram_of_one_line() {
        let (_dir, path, systemd) = systemd();
        let notifier = Notifier::new(Some(path));
        assert!(notifier.enabled());
        notifier.status("out of service: printer: paper out\ncenter unreachable");
        let mut buf = [0u8; 256];
        let n = systemd.recv(&mut buf).expect("status");
        assert_eq!(
            std::str::from_utf8(&buf[..n]).expect("utf-8"),
            "STATUS=out of service: printer: paper out center unreachable"
        );
    }

    #[test]
    fn reaches_an_abstract_socket() {
        let name = format!("idbooth-test-{}", std::process::id());
        let addr = SocketAddr::from_abstract_name(name.as_bytes()).expect("name");
        let systemd = UnixDatagram::bind_addr(&addr).expect("bind");
        systemd
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("timeout");
        Notifier::new(Some(PathBuf::from(format!("@{name}")))).send("READY=1");
        let mut buf = [0u8; 64];
        let n = systemd.recv(&mut buf).expect("ready");
        assert_eq!(&buf[..n], b"READY=1");
    }

    #[test]
    fn outside_systemd_nothing_is_sent() {
        let notifier = Notifier::new(None);
        assert!(!notifier.enabled());
        notifier.status("in service");
    }

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

    #[test]
    fn a_server_that_does_not_answer_gets_no_ping() {
        let (_dir, path, systemd) = systemd();
        systemd
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("timeout");
        // A port nothing listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("port")
            .port();
        let url = reqwest::Url::parse(&format!("http://127.0.0.1:{port}/v1/health")).expect("url");
        let dog = Watchdog::new(Some(path), Some(Duration::from_millis(100)));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let feeding = std::thread::spawn(move || {
            runtime.block_on(async {
                let _ = tokio::time::timeout(
                    Duration::from_millis(400),
                    feed_while_answering(dog, url),
                )
                .await;
            });
        });
        let mut buf = [0u8; 64];
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(500) {
            if let Ok(n) = systemd.recv(&mut buf) {
                panic!("pinged: {:?}", String::from_utf8_lossy(&buf[..n]));
            }
        }
        feeding.join().expect("feeder");
    }
}
