//! A real browser for the tests: headless Chromium (Debian's `chromium`, installed by
//! `.ci/setup test`) driven over the DevTools protocol, on a WebSocket of our own (a few lines:
//! the handshake, masked text frames out, text frames in). The pages are loaded, typed into and
//! clicked as a person would; what the page shows is read back with `Runtime.evaluate`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Headless Chromium with one page open.
pub struct Browser {
    child: Child,
    ws: TcpStream,
    next_id: u64,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium with a fresh profile and opens a blank page.
    pub fn start() -> Browser {
        let profile = tempfile::tempdir().expect("temp");
        let mut child = Command::new("chromium")
            .args([
                "--headless",
                // Root in a container has no user namespace for the sandbox.
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-extensions",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium: install it with `.ci/setup test` (Debian package chromium)");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Read it all, or Chromium blocks on a full pipe.
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium did not open its DevTools port");
        let rest = url.strip_prefix("ws://").expect("ws url");
        let (host, path) = rest.split_once('/').expect("path");
        let ws = handshake(host, &format!("/{path}"));
        let mut browser = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            _profile: profile,
        };
        let target = browser.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("target").to_owned();
        let attached = browser.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"].as_str().expect("session").to_owned();
        browser
    }

    /// Sends a command (to the page's session unless `session` is `None` for the browser) and
    /// returns its result.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        write_frame(&mut self.ws, message.to_string().as_bytes());
        loop {
            let reply: Value = serde_json::from_slice(&read_message(&mut self.ws)).expect("json");
            if reply["id"].as_u64() == Some(id) {
                if let Some(error) = reply.get("error") {
                    return json!({"error": error});
                }
                return reply["result"].clone();
            }
        }
    }

    /// Opens `url` in the page.
    pub fn go(&mut self, url: &str) {
        let session = self.session.clone();
        let result = self.send(Some(&session), "Page.navigate", json!({"url": url}));
        assert!(result.get("errorText").is_none(), "{url}: {result}");
    }

    /// Runs `script` in the page and returns its value (`None` while a new page loads).
    pub fn eval(&mut self, script: &str) -> Option<Value> {
        let session = self.session.clone();
        let result = self.send(
            Some(&session),
            "Runtime.evaluate",
            json!({"expression": script, "returnByValue": true, "awaitPromise": true}),
        );
        if result.get("error").is_some() || result.get("exceptionDetails").is_some() {
            return None;
        }
        Some(result["result"]["value"].clone())
    }

    /// Waits until `script` is true in a loaded page; panics with the page's text after `limit`.
    pub fn wait_until(&mut self, script: &str, limit: Duration) {
        let until = Instant::now() + limit;
        let check = format!("document.readyState === 'complete' && !!({script})");
        while Instant::now() < until {
            if self.eval(&check) == Some(json!(true)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let page = self.eval("location.href + '\\n' + document.body.innerText");
        panic!("the page never showed {script} within {limit:?}: {page:?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn handshake(host: &str, path: &str) -> TcpStream {
    let mut ws = TcpStream::connect(host).expect("connect to DevTools");
    ws.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        ws,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: aWRib290aC10ZXN0LWtleQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .expect("handshake");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        ws.read_exact(&mut byte).expect("handshake answer");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    ws
}

/// One masked text frame (a client must mask what it sends).
fn write_frame(ws: &mut TcpStream, payload: &[u8]) {
    let mut frame = vec![0x81u8];
    let len = payload.len();
    if len < 126 {
        frame.push(0x80 | len as u8);
    } else if len <= usize::from(u16::MAX) {
        frame.push(0x80 | 126);
        frame.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        frame.push(0x80 | 127);
        frame.extend_from_slice(&(len as u64).to_be_bytes());
    }
    let mask: [u8; 4] = fastrand::u32(..).to_be_bytes();
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    ws.write_all(&frame).expect("send");
}

/// One whole message (its frames joined); pings and other control frames are skipped.
fn read_message(ws: &mut TcpStream) -> Vec<u8> {
    let mut message = Vec::new();
    loop {
        let mut head = [0u8; 2];
        ws.read_exact(&mut head).expect("frame");
        let (fin, opcode) = (head[0] & 0x80 != 0, head[0] & 0x0F);
        let mut len = u64::from(head[1] & 0x7F);
        if len == 126 {
            let mut n = [0u8; 2];
            ws.read_exact(&mut n).expect("len");
            len = u64::from(u16::from_be_bytes(n));
        } else if len == 127 {
            let mut n = [0u8; 8];
            ws.read_exact(&mut n).expect("len");
            len = u64::from_be_bytes(n);
        }
        let mut payload = vec![0u8; usize::try_from(len).expect("size")];
        ws.read_exact(&mut payload).expect("payload");
        if opcode >= 0x8 {
            assert_ne!(opcode, 0x8, "DevTools closed the connection");
            continue;
        }
        message.extend_from_slice(&payload);
        if fin {
            return message;
        }
    }
}
