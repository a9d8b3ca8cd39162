//! fourroads: a terminal workstation for customer-service teams. See `SPEC.md` in the
//! shared folder and the README; the layers, top to bottom, are runtime → ui → input →
//! app → store → domain, and no layer reaches up.

#![forbid(unsafe_code)]

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod export;
pub mod hub;
pub mod input;
pub mod runtime;
pub mod store;
pub mod sync;
pub mod transfer;
pub mod ui;
