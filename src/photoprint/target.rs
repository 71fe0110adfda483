//! Where a sheet goes: a CUPS queue on this machine (`ipp://localhost:631/printers/NAME`) or an
//! `ipp://` / `ipps://` URI, as the HTTP URL the request is posted to and the `printer-uri` it
//! names.

use std::fmt;

/// The printer as IPP addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// What the operator wrote: a queue name or a URI (for messages).
    pub label: String,
    /// `printer-uri`.
    pub printer_uri: String,
    /// Where the IPP request is posted (`http://`, or `https://` for `ipps://`).
    pub url: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// IPP's own port, for URIs without one.
const IPP_PORT: u16 = 631;

impl Target {
    /// A queue name (letters, digits, `-`, `_`, `.`: what CUPS allows without quoting) or an
    /// `ipp://host[:port]/path` or `ipps://…` URI.
    pub fn parse(printer: &str) -> Result<Target, String> {
        let printer = printer.trim();
        for (scheme, http) in [("ipp://", "http://"), ("ipps://", "https://")] {
            let Some(rest) = printer.strip_prefix(scheme) else {
                continue;
            };
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let Some((host, port)) = split_port(authority) else {
                return Err(format!(
                    "{printer:?} is not an IPP printer URI; expected {scheme}host[:port]/path"
                ));
            };
            if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(format!(
                    "{printer:?}: a space or control character in the path"
                ));
            }
            let with_port = format!("{host}:{}", port.unwrap_or(IPP_PORT));
            let path = if path.is_empty() { "/" } else { path };
            return Ok(Target {
                label: printer.to_owned(),
                printer_uri: printer.to_owned(),
                url: format!("{http}{with_port}{path}"),
            });
        }
        if printer.contains("://") {
            return Err(format!(
                "{printer:?}: only ipp:// and ipps:// printers, or a CUPS queue's name"
            ));
        }
        let queue_ok = !printer.is_empty()
            && printer.len() <= 127
            && printer
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !queue_ok {
            return Err(format!(
                "{printer:?} is not a CUPS queue name (letters, digits, '-', '_', '.') nor an ipp:// URI"
            ));
        }
        Ok(Target {
            label: printer.to_owned(),
            printer_uri: format!("ipp://localhost:{IPP_PORT}/printers/{printer}"),
            url: format!("http://localhost:{IPP_PORT}/printers/{printer}"),
        })
    }
}

/// `host[:port]` (an IPv6 host in brackets), or `None` when either part is not one.
fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => {
            (&authority[..at], Some(&authority[at + 1..]))
        }
        _ => (authority, None),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._[]:".contains(c));
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok().filter(|p| *p > 0)?),
        None => None,
    };
    host_ok.then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_is_the_local_cupsd_s() {
        let t = Target::parse("idbooth-photo").expect("a queue");
        assert_eq!(t.printer_uri, "ipp://localhost:631/printers/idbooth-photo");
        assert_eq!(t.url, "http://localhost:631/printers/idbooth-photo");
    }

    #[test]
    fn uris_keep_their_port_or_get_ipp_s() {
        let t = Target::parse("ipp://127.0.0.1:8631/ipp/print").expect("uri");
        assert_eq!(t.url, "http://127.0.0.1:8631/ipp/print");
        assert_eq!(t.printer_uri, "ipp://127.0.0.1:8631/ipp/print");
        let t = Target::parse("ipps://printer.local/ipp/print").expect("uri");
        assert_eq!(t.url, "https://printer.local:631/ipp/print");
    }

    #[test]
    fn what_names_no_printer_is_refused() {
        for bad in [
            "",
            "my printer",
            "http://host/ipp",
            "ipp://",
            "ipp://host:99999/x",
            "ipp://user@host/x",
            "queue/../x",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad:?}");
        }
    }
}
