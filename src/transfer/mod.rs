//! Data in and out of the store from the command line: customer CSV import, backup and
//! restore. Everything is checked before anything is written.

pub mod backup;
pub mod import;
