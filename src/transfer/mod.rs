//! Data in and out of the store from the command line: customer CSV import, backup and
//! restore, and synthetic stores for benchmarks. Everything is checked before anything is written.

pub mod backup;
pub mod generate;
pub mod import;
pub mod roads;
pub mod staging;
mod synthetic;
