//! The center's door: how many connections it holds, how many from one address, and how long a
//! connection may take to say what it wants. Without it, anyone who can reach the port can hold
//! every file descriptor with idle sockets (no token needed: nothing has been read yet), and the
//! kiosks' uploads and the health probes time out until they leave.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The door's limits. Kiosks hold one or two connections each; a site's kiosks behind one NAT
/// share an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doors {
    /// Connections held at once; more are closed as they come (kept below the process's
    /// file-descriptor limit, see [`Doors::within_descriptor_limit`]).
    pub max_connections: usize,
    /// Connections held at once from one IP address.
    pub per_address: usize,
    /// A new connection must have sent a whole request head within this (a TLS handshake has
    /// the same again).
    pub first_request: Duration,
    /// Each later request head on a kept-alive connection, likewise.
    pub header_read: Duration,
    /// An upload's body must have arrived within this.
    pub body: Duration,
}

impl Default for Doors {
    fn default() -> Self {
        Doors {
            max_connections: 1024,
            per_address: 128,
            first_request: Duration::from_secs(10),
            header_read: Duration::from_secs(10),
            body: Duration::from_secs(60),
        }
    }
}

impl Doors {
    /// The limits with `max_connections` lowered, if need be, to leave room under the process's
    /// file-descriptor limit (raised to its hard limit first) for the database, the logs and the
    /// listener.
    pub fn within_descriptor_limit(mut self) -> Doors {
        const SPARE: u64 = 64;
        if let Some(limit) = raise_descriptor_limit() {
            let room = usize::try_from(limit.saturating_sub(SPARE).max(16)).unwrap_or(usize::MAX);
            if room < self.max_connections {
                tracing::warn!(
                    limit,
                    connections = room,
                    "center: few file descriptors (raise LimitNOFILE); holding fewer connections"
                );
                self.max_connections = room;
            }
        }
        self
    }
}

/// Raises the soft file-descriptor limit to the hard one; the limit now in force.
fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let (current, hard) = (limit.current?, limit.maximum);
    let wanted = hard.unwrap_or(current).min(1 << 20);
    if wanted > current
        && setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(wanted),
                maximum: hard,
            },
        )
        .is_ok()
    {
        return Some(wanted);
    }
    Some(current)
}

#[derive(Debug, Default)]
struct Held {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// The acceptor that counts connections in and out.
#[derive(Debug, Clone)]
pub struct Gate {
    doors: Doors,
    held: Arc<Mutex<Held>>,
}

impl Gate {
    /// A gate with these limits.
    pub fn new(doors: Doors) -> Gate {
        Gate {
            doors,
            held: Arc::default(),
        }
    }

    /// Connections held now.
    pub fn held(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Lets a connection from `address` in, or says why not.
    fn admit(&self, address: IpAddr) -> io::Result<Ticket> {
        let mut held = self.lock();
        if held.total >= self.doors.max_connections {
            return Err(io::Error::other(
                "the center holds all the connections it may",
            ));
        }
        let from = held.by_address.entry(address).or_default();
        if *from >= self.doors.per_address {
            return Err(io::Error::other(
                "this address holds all the connections one address may",
            ));
        }
        *from += 1;
        held.total += 1;
        Ok(Ticket {
            held: Arc::clone(&self.held),
            address,
        })
    }
}

/// A place at the door, given back when the connection closes.
#[derive(Debug)]
struct Ticket {
    held: Arc<Mutex<Held>>,
    address: IpAddr,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.total = held.total.saturating_sub(1);
        if let Some(from) = held.by_address.get_mut(&self.address) {
            *from -= 1;
            if *from == 0 {
                held.by_address.remove(&self.address);
            }
        }
    }
}

/// A connection let in: the stream and its place at the door.
#[derive(Debug)]
pub struct Admitted {
    stream: TcpStream,
    _ticket: Ticket,
}

impl<S: Send + 'static> axum_server::accept::Accept<TcpStream, S> for Gate {
    type Stream = Admitted;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Admitted, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        // A refused connection is dropped here, which closes it at once.
        let admitted = stream
            .peer_addr()
            .and_then(|peer| self.admit(peer.ip().to_canonical()))
            .map(|ticket| {
                (
                    Admitted {
                        stream,
                        _ticket: ticket,
                    },
                    service,
                )
            });
        std::future::ready(admitted)
    }
}

impl AsyncRead for Admitted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Admitted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_per_address_and_given_back() {
        let gate = Gate::new(Doors {
            max_connections: 3,
            per_address: 2,
            ..Doors::default()
        });
        let (a, b, c): (IpAddr, IpAddr, IpAddr) = (
            "10.0.0.1".parse().expect("ip"),
            "10.0.0.2".parse().expect("ip"),
            "10.0.0.3".parse().expect("ip"),
        );
        let first = gate.admit(a).expect("first");
        let second = gate.admit(a).expect("second");
        assert!(gate.admit(a).is_err(), "a third from one address");
        let other = gate.admit(b).expect("another address");
        assert!(gate.admit(c).is_err(), "over the total");
        assert_eq!(gate.held(), 3);
        drop(first);
        assert_eq!(gate.held(), 2);
        let again = gate.admit(a).expect("a place given back");
        drop((second, other, again));
        assert_eq!(gate.held(), 0);
        assert!(gate.lock().by_address.is_empty());
    }
}
