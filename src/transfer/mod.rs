//! Data in and out of the store from the command line: customer CSV import (and, later,
//! backup, restore and erasure). Everything is checked before anything is written.

pub mod import;
