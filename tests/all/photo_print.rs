//! The photo printer (issue #18) against real IPP servers: CUPS's own `ippeveprinter` (the IPP
//! Everywhere reference printer, from Debian's cups-ipp-utils) on a loopback port in a temp
//! folder, keeping every document it is sent. What it kept is opened by poppler and measured:
//! the page, each photo's size on it, the copies, and the JPEG inside, byte for byte. Its state
//! is driven the way a printer's driver drives it (`STATE:`/`ATTR:` lines from its print
//! command): paper out and a low ribbon. A cupsd of the test's own holds a queue in front of
//! it, stopped and started again with `cupsdisable`/`cupsenable`. No mocks: nothing here is
//! skipped when a tool is missing; the test fails and names `.ci/setup test`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use idbooth::photoprint::{IppClient, Paper, PhotoQueue, Problem, Sent, Target};

use crate::util;

/// A program the tests need, or a failure that says how to get it.
fn tool(name: &str) -> PathBuf {
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        let path = Path::new(dir).join(name);
        if path.is_file() {
            return path;
        }
    }
    panic!(
        "{name} is missing: `bash .ci/setup test` installs it (cups-daemon, cups-client, cups-ipp-utils, dbus-daemon, poppler-utils)"
    );
}

/// A free loopback port.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `ippeveprinter` on a loopback port, its spool in a temp folder, with a D-Bus bus of its own
/// (it will not start without one, even with DNS-SD off). Both are killed on drop. Its print
/// command writes the media attributes of each job, as ippeveprinter hands them to it
/// (`IPP_MEDIA`, `IPP_MEDIA_COL`, and `IPP_PRINT_SCALING`), to `jobs.txt`: what the printer was asked for.
pub(crate) struct IppEvePrinter {
    dir: tempfile::TempDir,
    port: u16,
    bus: Child,
    printer: Child,
}

/// A 6×4 in photo printer of the test's own (ippeveprinter's `-a` attribute file): media
/// `na_index-4x6_4x6in` only, a `photo` tray, glossy paper, and `MARGINS` as every
/// `media-*-margin-supported`. `document-format-supported` comes first here, so it is the one
/// read (ippeveprinter adds its own default list after it).
const PHOTO_PRINTER_ATTRIBUTES: &str = "\
ATTR mimeMediaType document-format-supported application/pdf,image/jpeg,application/octet-stream
ATTR boolean color-supported true
ATTR keyword media-supported na_index-4x6_4x6in
ATTR keyword media-default na_index-4x6_4x6in
ATTR collection media-size-supported {
  MEMBER integer x-dimension 10160
  MEMBER integer y-dimension 15240
}
ATTR integer media-top-margin-supported MARGINS
ATTR integer media-bottom-margin-supported MARGINS
ATTR integer media-left-margin-supported MARGINS
ATTR integer media-right-margin-supported MARGINS
ATTR keyword media-source-supported auto,main,photo
ATTR keyword media-type-supported auto,stationery,photographic-glossy
ATTR keyword print-scaling-supported auto,fit,fill,none
";

impl IppEvePrinter {
    /// ippeveprinter's own colour printer taking PDF; `command` (a shell script's body) runs for
    /// each job.
    pub(crate) fn start(command: Option<&str>) -> Self {
        Self::launch(command, None)
    }

    /// A 6×4 in photo printer ([`PHOTO_PRINTER_ATTRIBUTES`]) that takes the margins `margins`
    /// (hundredths of a millimetre: `"0,340"` can print borderless, `"340"` cannot).
    pub(crate) fn photo(margins: &str) -> Self {
        Self::launch(
            None,
            Some(&PHOTO_PRINTER_ATTRIBUTES.replace("MARGINS", margins)),
        )
    }

    fn launch(command: Option<&str>, attributes: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("temp");
        let spool = dir.path().join("spool");
        std::fs::create_dir(&spool).expect("spool");
        let socket = dir.path().join("bus");
        let bus = Command::new(tool("dbus-daemon"))
            .args(["--session", "--nofork", "--nopidfile"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "dbus-daemon made no socket");
            std::thread::sleep(Duration::from_millis(20));
        }
        let port = free_port();
        let mut cmd = Command::new(tool("ippeveprinter"));
        cmd.env(
            "DBUS_SYSTEM_BUS_ADDRESS",
            format!("unix:path={}", socket.display()),
        )
        .args([
            "-p",
            &port.to_string(),
            "-n",
            "localhost",
            "-r",
            "off",
            "-k",
        ]);
        match attributes {
            Some(text) => {
                let file = dir.path().join("printer.conf");
                std::fs::write(&file, text).expect("attributes");
                cmd.arg("-a").arg(file);
            }
            // -f and -s are ippeveprinter's "legacy" options: not with -a.
            None => {
                cmd.args(["-f", "application/pdf,image/jpeg", "-s", "10,10"]);
            }
        }
        cmd.arg("-d").arg(&spool);
        let jobs = dir.path().join("jobs.txt");
        let script = dir.path().join("print.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n{{ env | grep -E '^IPP_(MEDIA|MEDIA_COL|PRINT_SCALING)=' | sort; echo ---; }} >>'{}'\n{}\ncat \"$1\" >/dev/null\n",
                jobs.display(),
                command.unwrap_or("")
            ),
        )
        .expect("script");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        cmd.arg("-c").arg(&script);
        let printer = cmd
            .arg("idbooth-test")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("ippeveprinter starts");
        let this = IppEvePrinter {
            dir,
            port,
            bus,
            printer,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "ippeveprinter does not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        this
    }

    /// The media attributes of the first `n` jobs its print command ran, one text per job
    /// (`IPP_MEDIA=…`, `IPP_MEDIA_COL=…` and `IPP_PRINT_SCALING=…` lines, sorted); waits up to
    /// 30 s for them.
    pub(crate) fn job_media(&self, n: usize) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text =
                std::fs::read_to_string(self.dir.path().join("jobs.txt")).unwrap_or_default();
            let jobs: Vec<String> = text
                .split_terminator("---\n")
                .map(|j| j.trim().to_owned())
                .collect();
            if jobs.len() >= n {
                return jobs;
            }
            assert!(
                Instant::now() < deadline,
                "{n} jobs expected, the printer ran {}",
                jobs.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn uri(&self) -> String {
        format!("ipp://127.0.0.1:{}/ipp/print", self.port)
    }

    pub(crate) fn client(&self) -> IppClient {
        IppClient::new(Target::parse(&self.uri()).expect("uri")).expect("client")
    }

    /// The PDFs it kept, by name.
    pub(crate) fn printed(&self) -> Vec<PathBuf> {
        let mut pdfs: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("spool"))
            .expect("spool")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        pdfs.sort();
        pdfs
    }
}

impl Drop for IppEvePrinter {
    fn drop(&mut self) {
        for child in [&mut self.printer, &mut self.bus] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A red 354×472 JPEG: the passport's digital size, its photo easy to find on the page.
fn red_jpeg(dir: &Path) -> PathBuf {
    let img = image::RgbImage::from_pixel(354, 472, image::Rgb([220, 20, 20]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 92)
        .encode_image(&img)
        .expect("encodes");
    let path = dir.join("red.jpg");
    std::fs::write(&path, bytes).expect("write");
    path
}

fn poppler(name: &str, args: &[&str]) -> String {
    let out = Command::new(tool(name)).args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8")
}

/// 254 dpi: 10 pixels a millimetre.
const DPI: f32 = 254.0;

/// Runs of red columns and rows on the page, in pixels at [`DPI`].
fn red_runs(pdf: &Path) -> (Vec<usize>, Vec<usize>) {
    let prefix = pdf.with_extension("");
    poppler(
        "pdftoppm",
        &["-r", "254", "-png", "-singlefile", arg(pdf), arg(&prefix)],
    );
    let page = image::open(prefix.with_extension("png"))
        .expect("png")
        .to_rgb8();
    let red = |p: &image::Rgb<u8>| p[0] > 150 && p[1] < 128 && p[2] < 128;
    let runs = |flags: Vec<bool>| {
        let mut out = Vec::new();
        let mut len = 0;
        for f in flags.into_iter().chain([false]) {
            if f {
                len += 1;
            } else if len > 0 {
                out.push(len);
                len = 0;
            }
        }
        out
    };
    let cols = (0..page.width())
        .map(|x| (0..page.height()).any(|y| red(page.get_pixel(x, y))))
        .collect();
    let rows = (0..page.height())
        .map(|y| (0..page.width()).any(|x| red(page.get_pixel(x, y))))
        .collect();
    (runs(cols), runs(rows))
}

fn print(printer: &str, photo: &Path, copies: Option<&str>) -> (i32, String, String) {
    let config = util::shipped_config();
    let mut args = vec![
        "photo",
        "print",
        arg(photo),
        "--document",
        "passport",
        "--printer",
        printer,
        "--config",
        arg(&config),
    ];
    if let Some(n) = copies {
        args.extend(["--copies", n]);
    }
    util::parts(&util::run(&args))
}

#[test]
fn photo_print_puts_the_sheet_at_its_print_size_on_a_real_ipp_printer() {
    let printer = IppEvePrinter::start(None);
    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());
    let (code, out, err) = print(&printer.uri(), &photo, Some("3"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("3 × 33×48 mm"), "{out}");
    // Asked for the 6×4 in paper, never scaled.
    assert_eq!(
        printer.job_media(1),
        ["IPP_MEDIA=na_index-4x6_4x6in\nIPP_PRINT_SCALING=none"]
    );
    let printed = printer.printed();
    assert_eq!(printed.len(), 1, "one job: {printed:?}");
    let pdf = &printed[0];

    // 4×6 in exactly, portrait, as the paper is fed.
    util::assert_pdf_page_mm(pdf, [101.6, 152.4]);
    let (cols, rows) = red_runs(pdf);
    // Two side by side and one below: three copies.
    assert_eq!(cols.len(), 2, "{cols:?}");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let sizes = cols.iter().map(|l| (*l, 33.0));
    for (len, mm) in sizes.chain(rows.iter().map(|l| (*l, 48.0))) {
        let measured = len as f32 / DPI * 25.4;
        assert!(
            (measured - mm).abs() <= 0.5,
            "a photo is {measured:.2} mm where the spec says {mm} mm"
        );
    }
    // The printed photo is the file given, not a copy encoded again.
    let images = dir.path().join("img");
    poppler("pdfimages", &["-j", arg(pdf), arg(&images)]);
    let inside = std::fs::read(dir.path().join("img-000.jpg")).expect("a JPEG inside");
    assert!(
        inside == std::fs::read(&photo).expect("photo"),
        "the JPEG as it is"
    );
}

#[test]
fn a_printer_that_cannot_be_reached_is_exit_2_in_one_line() {
    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());
    let uri = format!("ipp://127.0.0.1:{}/ipp/print", free_port());
    let (code, out, err) = print(&uri, &photo, None);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot be reached"), "{err}");
    // A PNG is not the approved JPEG: refused before anything is sent.
    let png = dir.path().join("red.png");
    image::RgbImage::from_pixel(354, 472, image::Rgb([220, 20, 20]))
        .save(&png)
        .expect("png");
    let (code, _, err) = print(&uri, &png, None);
    assert_eq!(code, 2);
    assert!(err.contains("not a JPEG"), "{err}");
    let (code, _, err) = print("no such queue!", &photo, None);
    assert_eq!(code, 2);
    assert!(
        err.contains("--printer") && err.lines().count() == 1,
        "{err}"
    );
}

/// A copy of the shipped config with `[photo_printer]` `section` (its `printer` line given).
fn photo_config(section: &str) -> tempfile::TempDir {
    let dir = util::config_copy();
    let kiosk = dir.path().join("kiosk.toml");
    let text = std::fs::read_to_string(&kiosk).expect("kiosk.toml");
    std::fs::write(&kiosk, format!("{text}\n[photo_printer]\n{section}\n")).expect("write");
    dir
}

/// `idbooth photo print` of a passport sheet with the config in `dir` (its printer).
fn print_configured(dir: &Path, photo: &Path) -> (i32, String, String) {
    util::parts(&util::run(&[
        "photo",
        "print",
        arg(photo),
        "--document",
        "passport",
        "--copies",
        "1",
        "--config",
        arg(dir),
    ]))
}

/// `idbooth photo print` of a photo with `[photo_printer]` set to `settings`: it prints, says
/// "no margins" and warns of nothing.
fn prints_without_margins(settings: &str) {
    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());
    let config = photo_config(settings);
    let (code, out, err) = print_configured(config.path(), &photo);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no margins"), "{out}");
    assert!(!err.contains("warning"), "{err}");
}

/// Issue #18: a printer that takes zero margins is asked for them, with the size, tray and
/// paper type, as one `media-col`; ippeveprinter hands the job's `media-col` to its print
/// command as it understood it.
#[test]
fn a_borderless_printer_is_asked_for_zero_margins_the_tray_and_the_paper() {
    let printer = IppEvePrinter::photo("0,340");
    let client = printer.client();
    let media = client.status().expect("status").media;
    assert!(media.media_col && media.zero_margins, "{media:?}");
    prints_without_margins(&format!(
        "printer = \"{}\"\nmedia_source = \"photo\"\nmedia_type = \"photographic-glossy\"",
        printer.uri()
    ));
    assert_eq!(
        printer.job_media(1),
        [
            "IPP_MEDIA_COL={media-size={x-dimension=10160 y-dimension=15240} \
          media-top-margin=0 media-bottom-margin=0 media-left-margin=0 media-right-margin=0 \
          media-source=photo media-type=photographic-glossy}\nIPP_PRINT_SCALING=none"
        ]
    );
    assert_eq!(printer.printed().len(), 1);
}

/// Issue #18: a printer that takes no zero margins gets `media` alone (ippeveprinter's own
/// colour printer: 6.35 mm top and bottom) and the operator is told; with a tray configured it
/// gets the size and the tray, still without margins. Both print.
#[test]
fn a_printer_without_zero_margins_keeps_its_own_and_it_is_said() {
    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());
    let own = IppEvePrinter::start(None);
    let media = own.client().status().expect("status").media;
    assert!(media.media_col && !media.zero_margins, "{media:?}");
    let (code, out, err) = print(&own.uri(), &photo, Some("1"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the printer's margins"), "{out}");
    assert!(
        err.contains("warning: the printer does not take zero margins: the sheet is printed with the printer's margins"),
        "{err}"
    );
    assert_eq!(
        own.job_media(1),
        ["IPP_MEDIA=na_index-4x6_4x6in\nIPP_PRINT_SCALING=none"]
    );

    let narrow = IppEvePrinter::photo("340");
    let config = photo_config(&format!(
        "printer = \"{}\"\nmedia_source = \"photo\"\nmedia_type = \"matte\"",
        narrow.uri()
    ));
    let (code, out, err) = print_configured(config.path(), &photo);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("the printer's margins"), "{out}");
    assert!(
        err.contains("does not take zero margins, media-type matte"),
        "{err}"
    );
    assert_eq!(
        narrow.job_media(1),
        [
            "IPP_MEDIA_COL={media-size={x-dimension=10160 y-dimension=15240} media-source=photo}\n\
          IPP_PRINT_SCALING=none"
        ]
    );
}

#[test]
fn paper_out_and_a_low_ribbon_are_read_and_hold_the_next_sheet() {
    // The printer's driver reports paper out and a ribbon at 4 % (its low mark 10 %) after a job,
    // as a dye-sublimation printer's does.
    let printer = IppEvePrinter::start(Some(
        "echo 'STATE: +media-empty-error' >&2\n\
         echo 'ATTR: marker-names=Ribbon marker-levels=4 marker-low-levels=10 marker-types=ribbon-wax' >&2",
    ));
    let client = printer.client();
    let ready = client.status().expect("status");
    assert!(ready.problems().is_empty(), "{ready:?}");

    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());
    let (code, _, err) = print(&printer.uri(), &photo, Some("1"));
    assert_eq!(code, 0, "{err}");
    // The driver's two reports reach the printer's state one after the other: wait for both.
    let ribbon = Problem::MarkerLow {
        name: "Ribbon".into(),
        level: Some(4),
    };
    let deadline = Instant::now() + Duration::from_secs(15);
    let problems = loop {
        let problems = client.status().expect("status").problems();
        let both = problems.contains(&Problem::MediaEmpty) && problems.contains(&ribbon);
        if both || Instant::now() > deadline {
            break problems;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(problems.contains(&Problem::MediaEmpty), "{problems:?}");
    assert!(problems.contains(&ribbon), "{problems:?}");
    // The next sheet is not sent: paper out, in one line.
    let (code, _, err) = print(&printer.uri(), &photo, Some("1"));
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not ready: media-empty"), "{err}");
    assert_eq!(printer.printed().len(), 1);

    // The booth's queue keeps it for later instead.
    let queue = PhotoQueue::open(&dir.path().join("photo-queue")).expect("queue");
    queue.push("photo-s1", b"%PDF-1.7 sheet").expect("push");
    let held = queue.print("photo-s1", &client, &Paper::default());
    assert!(
        matches!(&held, Err(idbooth::photoprint::PhotoPrintError::NotReady { reasons, .. }) if reasons == &["media-empty"]),
        "{held:?}"
    );
    assert_eq!(queue.waiting().expect("waiting"), vec!["photo-s1"]);
}

#[test]
fn queued_sheets_outlive_a_restart_and_print_once() {
    let printer = IppEvePrinter::start(None);
    let client = printer.client();
    let dir = tempfile::tempdir().expect("temp");
    let photo = std::fs::read(red_jpeg(dir.path())).expect("photo");
    let config = util::config();
    let spec = config.documents.get("passport").expect("passport");
    let pdf = idbooth::photoprint::sheet(&photo, spec, 1).expect("sheet");
    let root = dir.path().join("photo-queue");

    // Queued, then the booth stops before sending: after the restart it is still there.
    PhotoQueue::open(&root)
        .expect("queue")
        .push("photo-a", &pdf)
        .expect("push");
    let queue = PhotoQueue::open(&root).expect("reopened");
    assert_eq!(queue.waiting().expect("waiting"), vec!["photo-a"]);
    assert!(matches!(
        queue.print("photo-a", &client, &Paper::default()),
        Ok(Sent::Now(_))
    ));
    assert!(queue.waiting().expect("waiting").is_empty());
    // Asked again: it is gone, nothing more prints.
    assert!(queue.print("photo-a", &client, &Paper::default()).is_err());
    assert_eq!(printer.printed().len(), 1);

    // Sent, taken by the printer, and the booth stopped before it could delete it: the sheet
    // and its mark are still on the disk. After the restart it is found among the printer's
    // jobs by its name and not sent again.
    queue.push("photo-b", &pdf).expect("push");
    let media = client.status().expect("status").media;
    let id = client
        .print("photo-b", &pdf, &Paper::default(), &media)
        .expect("taken")
        .job;
    std::fs::write(root.join("queue/photo-b.sending"), "photo-b").expect("mark");
    let queue = PhotoQueue::open(&root).expect("reopened");
    assert_eq!(
        queue.print("photo-b", &client, &Paper::default()),
        Ok(Sent::Before(id))
    );
    assert!(queue.waiting().expect("waiting").is_empty());
    assert_eq!(printer.printed().len(), 2, "photo-b printed once");
}

#[test]
fn the_photo_printer_s_config_is_checked_by_key() {
    let section = "\n[photo_printer]\nprinter = \"idbooth-photo\"\ncopies = { passport = 2 }\n";
    let check = |extra: &str| {
        let dir = util::config_copy();
        let kiosk = dir.path().join("kiosk.toml");
        let text = std::fs::read_to_string(&kiosk).expect("kiosk.toml");
        std::fs::write(&kiosk, text + extra).expect("write");
        util::parts(&util::run(&[
            "config",
            "check",
            "--config",
            arg(dir.path()),
        ]))
    };
    let (code, _, err) = check(section);
    assert_eq!(code, 0, "{err}");
    for (bad, key) in [
        (
            section.replace("idbooth-photo", "my photo printer"),
            "photo_printer.printer",
        ),
        (
            section.replace("passport = 2", "passport = 9"),
            "photo_printer.copies.passport",
        ),
        (
            section.replace("passport = 2", "pasport = 1"),
            "photo_printer.copies.pasport",
        ),
        (
            section.to_owned() + "media = \"4x6 inch\"\n",
            "photo_printer.media",
        ),
        (
            section.to_owned() + "media_source = \"Photo Tray\"\n",
            "photo_printer.media_source",
        ),
        (section.to_owned() + "queue = \"x\"\n", "queue"),
    ] {
        let (code, _, err) = check(&bad);
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(
            err.contains(key) && err.lines().count() == 1,
            "{key}: {err}"
        );
    }
}

/// A cupsd of the test's own on a loopback port, its folders in a temp dir (never the
/// system's), as CUPS's own test suite runs one. Killed on drop.
struct Cupsd {
    _dir: tempfile::TempDir,
    port: u16,
    daemon: Child,
}

impl Cupsd {
    fn start() -> Self {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp");
        // Backends run as the daemon's user: they must reach the spool.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
        for sub in ["spool", "cache", "state", "log"] {
            std::fs::create_dir(dir.path().join(sub)).expect("folder");
        }
        let port = free_port();
        let root = dir.path().display().to_string();
        std::fs::write(
            dir.path().join("cupsd.conf"),
            format!(
                "Listen 127.0.0.1:{port}\nBrowsing Off\nDefaultAuthType None\nWebInterface No\n\
                 <Location />\n  Order allow,deny\n  Allow all\n</Location>\n\
                 <Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
            ),
        )
        .expect("cupsd.conf");
        // As root, cupsd wants an unprivileged user for its filters and backends (Debian's lp).
        let user = if rustix::process::getuid().is_root() {
            "User lp\nGroup lp\nSystemGroup root\n"
        } else {
            ""
        };
        std::fs::write(
            dir.path().join("cups-files.conf"),
            format!(
                "ServerRoot {root}\nRequestRoot {root}/spool\nTempDir {root}/spool\n\
                 CacheDir {root}/cache\nStateDir {root}/state\nErrorLog {root}/log/error_log\n\
                 AccessLog {root}/log/access_log\nPageLog {root}/log/page_log\n\
                 ServerBin /usr/lib/cups\nDataDir /usr/share/cups\n{user}"
            ),
        )
        .expect("cups-files.conf");
        let daemon = Command::new(tool("cupsd"))
            .arg("-f")
            .arg("-c")
            .arg(dir.path().join("cupsd.conf"))
            .arg("-s")
            .arg(dir.path().join("cups-files.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cupsd starts");
        let this = Cupsd {
            _dir: dir,
            port,
            daemon,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "cupsd does not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        this
    }

    /// Runs a CUPS admin tool (`lpadmin`, `cupsdisable`, …) against this cupsd.
    fn admin(&self, name: &str, args: &[&str]) {
        let out = Command::new(tool(name))
            .args(["-h", &format!("127.0.0.1:{}", self.port)])
            .args(args)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn queue_uri(&self, queue: &str) -> String {
        format!("ipp://127.0.0.1:{}/printers/{queue}", self.port)
    }
}

impl Drop for Cupsd {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

#[test]
fn a_cups_queue_prints_the_sheet_and_a_stopped_one_holds_it() {
    let printer = IppEvePrinter::start(None);
    let cups = Cupsd::start();
    // A queue passing the PDF as it is to the IPP printer (the booth's sheet is final: nothing
    // to convert).
    cups.admin(
        "lpadmin",
        &["-p", "photo", "-E", "-v", &printer.uri(), "-m", "raw"],
    );
    let queue = cups.queue_uri("photo");
    let dir = tempfile::tempdir().expect("temp");
    let photo = red_jpeg(dir.path());

    let (code, out, err) = print(&queue, &photo, Some("2"));
    assert_eq!(code, 0, "{err}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while printer.printed().is_empty() {
        assert!(Instant::now() < deadline, "CUPS did not pass the job on");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (cols, _) = red_runs(&printer.printed()[0]);
    assert_eq!(cols.len(), 2, "two copies through CUPS: {cols:?}");
    // A raw queue has no driver to say which margins it takes (nor would its backend pass a
    // media-col on): the booth asks for `media` and says the printer's margins apply.
    assert!(out.contains("the printer's margins"), "{out}");
    assert!(err.contains("does not take zero margins"), "{err}");
    assert_eq!(
        printer.job_media(1),
        ["IPP_MEDIA=na_index-4x6_4x6in\nIPP_PRINT_SCALING=none"]
    );

    // The operator stops the queue (cupsdisable): the next sheet is not sent, in one line.
    cups.admin("cupsdisable", &["photo"]);
    let client = IppClient::new(Target::parse(&queue).expect("uri")).expect("client");
    assert_eq!(
        client.status().expect("status").problems(),
        vec![Problem::Stopped]
    );
    let (code, _, err) = print(&queue, &photo, Some("1"));
    assert_eq!(code, 2);
    assert!(
        err.contains("not ready: stopped") && err.lines().count() == 1,
        "{err}"
    );
    // The booth keeps its sheet queued, and sends it once the queue runs again.
    let config = util::config();
    let spec = config.documents.get("passport").expect("passport");
    let pdf =
        idbooth::photoprint::sheet(&std::fs::read(&photo).expect("photo"), spec, 1).expect("sheet");
    let sheets = PhotoQueue::open(&dir.path().join("photo-queue")).expect("queue");
    sheets.push("photo-c", &pdf).expect("push");
    assert!(sheets.print("photo-c", &client, &Paper::default()).is_err());
    assert_eq!(sheets.waiting().expect("waiting"), vec!["photo-c"]);
    cups.admin("cupsenable", &["photo"]);
    assert!(matches!(
        sheets.print("photo-c", &client, &Paper::default()),
        Ok(Sent::Now(_))
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while printer.printed().len() < 2 {
        assert!(Instant::now() < deadline, "the held sheet did not print");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(sheets.waiting().expect("waiting").is_empty());
}

/// Issue #18: a CUPS queue made the IPP Everywhere way (`lpadmin -m everywhere`, whose PDF goes
/// through cups-filters' `pdftopdf`) learns from the printer that it takes zero margins; the
/// booth asks the queue for them with the tray, and CUPS passes that `media-col` on to the printer.
#[test]
fn an_everywhere_queue_passes_zero_margins_and_the_tray_on_to_the_printer() {
    let pdftopdf = Path::new("/usr/lib/cups/filter/pdftopdf");
    assert!(
        pdftopdf.is_file(),
        "{} is missing: `bash .ci/setup test` installs cups-filters",
        pdftopdf.display()
    );
    // ippeveprinter's own colour printer: its media-col-database has 6×4 in borderless in the
    // photo tray, which CUPS's driverless PPD makes `4x6.Borderless`.
    let printer = IppEvePrinter::start(None);
    let cups = Cupsd::start();
    cups.admin(
        "lpadmin",
        &[
            "-p",
            "photo",
            "-E",
            "-v",
            &printer.uri(),
            "-m",
            "everywhere",
        ],
    );
    let queue = cups.queue_uri("photo");
    let client = IppClient::new(Target::parse(&queue).expect("uri")).expect("client");
    // cupsd makes the queue's driver from the printer's answer a moment after lpadmin returns:
    // until then the queue knows no tray (and no margins).
    let deadline = Instant::now() + Duration::from_secs(30);
    let media = loop {
        let media = client.status().expect("status").media;
        if !media.sources.is_empty() || Instant::now() > deadline {
            break media;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(media.zero_margins, "{media:?}");
    prints_without_margins(&format!("printer = \"{queue}\"\nmedia_source = \"photo\""));
    // CUPS orders the members its own way. It keeps print-scaling for its own pdftopdf, which
    // lays the page out before it goes to the printer: the photo must still be 33×48 mm.
    assert_eq!(
        printer.job_media(1),
        [
            "IPP_MEDIA_COL={media-size={x-dimension=10160 y-dimension=15240} \
          media-bottom-margin=0 media-left-margin=0 media-right-margin=0 media-source=photo \
          media-top-margin=0}"
        ]
    );
    let printed = printer.printed();
    assert_eq!(printed.len(), 1, "{printed:?}");
    let (cols, rows) = red_runs(&printed[0]);
    assert_eq!(
        (cols.len(), rows.len()),
        (1, 1),
        "one photo: {cols:?} {rows:?}"
    );
    let mut sides = [cols[0], rows[0]].map(|px| px as f32 / DPI * 25.4);
    sides.sort_by(f32::total_cmp);
    assert!(
        (sides[0] - 33.0).abs() <= 0.5 && (sides[1] - 48.0).abs() <= 0.5,
        "the photo came out {sides:?} mm, not 33×48 mm"
    );
}

/// A printer whose `command` (a shell script's body, reporting its faults) has run after one
/// sheet for `spec`: it reports a problem now. With the booth's config for it.
pub(crate) fn printer_run_out(
    command: &str,
    spec: &idbooth::spec::Spec,
) -> (IppEvePrinter, idbooth::photoprint::PhotoPrinterConfig) {
    let printer = IppEvePrinter::start(Some(command));
    let pdf = idbooth::photoprint::sheet(util::passport_jpeg(), spec, 1).expect("sheet");
    let client = printer.client();
    let media = client.status().expect("status").media;
    client
        .print("before", &pdf, &Paper::default(), &media)
        .expect("taken");
    let deadline = Instant::now() + Duration::from_secs(15);
    while client.status().expect("status").problems().is_empty() {
        assert!(Instant::now() < deadline, "the printer reports no problem");
        std::thread::sleep(Duration::from_millis(100));
    }
    let config = idbooth::photoprint::PhotoPrinterConfig {
        printer: printer.uri(),
        media: idbooth::photoprint::DEFAULT_MEDIA.into(),
        media_source: None,
        media_type: None,
        copies: Default::default(),
        held_hours: idbooth::photoprint::DEFAULT_HELD_HOURS,
    };
    (printer, config)
}

/// The booth's own path (issue #18): a passport approved while the photo printer is out of
/// paper gets its receipt all the same; the done screen sends the applicant to the counter for
/// the photo, and the sheet waits in the booth's queue, not in the printer's.
#[test]
fn a_photo_printer_out_of_paper_holds_the_sheet_and_the_receipt_still_prints() {
    use idbooth::photoprint::CupsPhotoPrinter;
    use std::sync::Arc;
    let mut config = util::config();
    let spec = config.documents.get("passport").expect("passport").clone();
    let (printer, photo_config) = printer_run_out("echo 'STATE: +media-empty-error' >&2", &spec);
    config.kiosk.photo_printer = Some(photo_config.clone());
    let data = tempfile::tempdir().expect("temp");
    let queue_dir = data.path().join("photo-queue");
    let mut parts =
        idbooth::demo_parts(Arc::new(config), data.path(), util::PORTRAIT.as_ref()).expect("parts");
    parts.photo_printer = Some(Arc::new(
        CupsPhotoPrinter::new(&photo_config, &queue_dir).expect("photo printer"),
    ));
    let booth = idbooth::ui::Booth::new(parts)
        .with_data_dir(data.path())
        .expect("ops");
    let mut h = util::harness(booth);
    h.step();
    let receipt_no = util::walk_to_done(&mut h);
    util::wait_for(
        &mut h,
        "请凭回执到柜台领取打印的照片",
        Duration::from_secs(30),
    );
    assert!(
        data.path()
            .join("receipts")
            .join(format!("receipt-{receipt_no}.txt"))
            .is_file(),
        "the receipt printed"
    );
    let held = PhotoQueue::open(&queue_dir)
        .expect("queue")
        .waiting()
        .expect("waiting");
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(held[0].starts_with("photo-"), "{held:?}");
    assert_eq!(
        printer.printed().len(),
        1,
        "nothing sent to the empty printer"
    );
}
