//! The integration tests, one binary with a module per area (linking the whole crate with egui
//! and wgpu once instead of once per area). `util` holds what they share: the real binary run as
//! a child, the shipped config copied to edit, the booth in a headless harness, a thermal printer
//! on a pty.

mod util;

mod booth_ui;
mod camera;
mod center;
mod center_web;
mod chromium;
mod cli;
mod config_check;
mod faces;
mod guidance;
mod maintenance;
mod memory;
mod package;
mod photo;
mod photo_print;
mod printer;
mod receipt;
mod screens;
mod systemd;
mod voice;
mod watchdog;
mod window;
