//! Status at a glance: camera, printer (each status bit), center and outbox (as the courier
//! reports them), disk, version and uptime, then every problem in words an operator can act on. The
//! printer is asked on a worker thread (a serial status takes up to a second), every few seconds
//! while the screen is open.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use egui::{Color32, Grid, RichText, Ui};

use super::Context;
use crate::camera::CameraState;
use crate::ops::config::Language;
use crate::ops::health::{self, Disk, Health, megabytes, problems};
use crate::receipt::PrintError;
use crate::receipt::serial::Status as PrinterStatus;
use crate::ui::text::tr;

/// Seconds between two reads of the printer and the disk.
const EVERY_S: f64 = 3.0;

type PrinterAnswer = Option<Result<PrinterStatus, PrintError>>;

/// The printer's and the disk's latest readings.
#[derive(Debug, Default)]
pub struct StatusPoll {
    printer: Arc<Mutex<PrinterAnswer>>,
    asking: Arc<AtomicBool>,
    last: Option<f64>,
    disk: Option<Result<Disk, String>>,
}

impl StatusPoll {
    /// Reads again when due (egui time `now`).
    pub fn refresh(&mut self, ctx: &Context<'_>, now: f64) {
        if self.last.is_some_and(|t| now - t < EVERY_S) {
            return;
        }
        self.last = Some(now);
        self.disk = ctx
            .data_dir
            .map(|dir| health::disk(dir).map_err(|e| format!("{}: {e}", dir.display())));
        if self.asking.swap(true, Ordering::SeqCst) {
            return;
        }
        let printer = Arc::clone(ctx.printer);
        let slot = Arc::clone(&self.printer);
        let asking = Arc::clone(&self.asking);
        let repaint = ctx.egui.clone();
        let spawned = std::thread::Builder::new()
            .name("printer-status".into())
            .spawn(move || {
                let answer = printer.status();
                *slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(answer);
                asking.store(false, Ordering::SeqCst);
                repaint.request_repaint();
            });
        if spawned.is_err() {
            self.asking.store(false, Ordering::SeqCst);
        }
    }

    /// Everything read, with the camera read now.
    pub fn health(&self, ctx: &Context<'_>) -> Health {
        Health {
            camera: ctx.camera.status(),
            printer: self
                .printer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
            disk: self.disk.clone(),
            center: ctx.center_health.clone(),
        }
    }
}

/// The problems, in English (for the diagnostics bundle).
pub fn problems_en(health: &Health) -> Vec<String> {
    problems(health).into_iter().map(|p| p.en).collect()
}

fn yes_no(ok: bool, good: &'static str, bad: &'static str) -> RichText {
    let colour = if ok {
        Color32::from_rgb(40, 160, 80)
    } else {
        Color32::from_rgb(210, 50, 40)
    };
    RichText::new(if ok { good } else { bad }).color(colour)
}

fn seconds(s: u64) -> String {
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// Draws the status page.
pub fn ui(ui: &mut Ui, ctx: &Context<'_>, health: &Health) {
    let lang = ctx.lang;
    let problems = problems(health);
    ui.add_space(8.0);
    if problems.is_empty() {
        ui.label(
            RichText::new(tr(lang, "一切正常", "All good"))
                .size(30.0)
                .color(Color32::from_rgb(40, 160, 80)),
        );
    }
    for p in &problems {
        let text = match lang {
            Language::ZhCn => &p.zh,
            Language::En => &p.en,
        };
        ui.label(
            RichText::new(text)
                .size(28.0)
                .color(Color32::from_rgb(210, 50, 40)),
        );
    }
    ui.add_space(12.0);
    Grid::new("maintenance-status")
        .num_columns(2)
        .spacing([24.0, 10.0])
        .show(ui, |ui| {
            camera_rows(ui, lang, health);
            printer_rows(ui, lang, &health.printer);
            center_rows(ui, lang, health);
            ui.label(tr(lang, "磁盘（数据目录）", "Disk (data folder)"));
            ui.label(match &health.disk {
                Some(Ok(d)) => format!("{} / {}", megabytes(d.free), megabytes(d.total)),
                Some(Err(why)) => why.clone(),
                None => "—".to_owned(),
            });
            ui.end_row();
            ui.label(tr(lang, "版本", "Version"));
            ui.label(format!("idbooth {}", env!("CARGO_PKG_VERSION")));
            ui.end_row();
            ui.label(tr(lang, "运行时间", "Uptime"));
            ui.label(seconds(ctx.uptime.as_secs()));
            ui.end_row();
        });
}

fn camera_rows(ui: &mut Ui, lang: Language, health: &Health) {
    let c = &health.camera;
    ui.label(tr(lang, "摄像头", "Camera"));
    let state = match &c.state {
        CameraState::Opening => tr(lang, "正在打开", "opening"),
        CameraState::Running if c.resting => tr(lang, "待机（无人使用）", "resting (nobody at it)"),
        CameraState::Running => tr(lang, "运行中", "running"),
        CameraState::Stalled => tr(lang, "卡住，正在重开", "stalled, reopening"),
        CameraState::Lost(_) => tr(lang, "断开，正在重连", "lost, reconnecting"),
    };
    let age = c
        .last_frame_age
        .map_or("—".to_owned(), |a| format!("{:.1} s", a.as_secs_f32()));
    ui.label(format!(
        "{} · {state} · {:.0} fps · {} {age} · {} {}",
        c.description,
        c.fps,
        tr(lang, "最后一帧", "last frame"),
        tr(lang, "重开次数", "reopens"),
        c.reopens
    ));
    ui.end_row();
}

fn printer_rows(ui: &mut Ui, lang: Language, printer: &Option<Result<PrinterStatus, PrintError>>) {
    ui.label(tr(lang, "打印机", "Printer"));
    match printer {
        None => {
            ui.label(tr(lang, "正在询问…", "asking…"));
        }
        Some(Err(error)) => {
            ui.label(RichText::new(error.to_string()).color(Color32::from_rgb(210, 50, 40)));
        }
        Some(Ok(s)) => {
            ui.horizontal(|ui| {
                ui.label(yes_no(
                    s.online,
                    tr(lang, "在线", "online"),
                    tr(lang, "离线", "offline"),
                ));
                ui.label(yes_no(
                    !s.paper_out,
                    if s.paper_near_end {
                        tr(lang, "纸将用完", "paper low")
                    } else {
                        tr(lang, "有纸", "paper ok")
                    },
                    tr(lang, "缺纸", "paper out"),
                ));
                ui.label(yes_no(
                    !s.cover_open,
                    tr(lang, "盖已合上", "cover closed"),
                    tr(lang, "盖打开", "cover open"),
                ));
                ui.label(yes_no(
                    !s.cutter_error,
                    tr(lang, "切刀正常", "cutter ok"),
                    tr(lang, "切刀故障", "cutter error"),
                ));
                ui.label(yes_no(
                    !s.unrecoverable,
                    tr(lang, "无严重故障", "no fatal error"),
                    tr(lang, "严重故障", "fatal error"),
                ));
            });
        }
    }
    ui.end_row();
}

fn center_rows(ui: &mut Ui, lang: Language, health: &Health) {
    ui.label(tr(lang, "检测中心", "Center"));
    match &health.center {
        // The courier reports here; until its first health check, nothing is known.
        None => {
            ui.label("—");
        }
        Some(c) => {
            let token = match c.token_accepted {
                Some(true) => tr(lang, "令牌有效", "token accepted"),
                Some(false) => tr(lang, "令牌被拒", "token refused"),
                None => "—",
            };
            let latency = c.latency_ms.map_or("—".to_owned(), |ms| format!("{ms} ms"));
            ui.horizontal(|ui| {
                ui.label(yes_no(
                    c.reachable,
                    tr(lang, "可连接", "reachable"),
                    tr(lang, "无法连接", "not reachable"),
                ));
                ui.label(format!("{latency} · {token}"));
            });
        }
    }
    ui.end_row();
    ui.label(tr(lang, "待发送", "Outbox"));
    ui.label(match &health.center {
        None => "—".to_owned(),
        Some(c) => match c.oldest_s {
            Some(s) => format!(
                "{} · {} {}",
                c.outbox_depth,
                tr(lang, "最早", "oldest"),
                seconds(s)
            ),
            None => c.outbox_depth.to_string(),
        },
    });
    ui.end_row();
}
