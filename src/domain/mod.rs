//! Domain types and rules in plain Rust: money, time, pipeline boards (totals, weighted value, rotting, positions),
//! board filters and sorting, undo history, keyboard moves in a row of tabs.
//!
//! Nothing here touches the browser or the network; everything is tested natively.

pub mod board;
pub mod csv;
pub mod csv_read;
pub mod customer;
pub mod directory;
pub mod duplicates;
pub mod filter;
pub mod import;
pub mod markup;
pub mod money;
pub mod patch;
pub mod roving;
pub mod search;
pub mod time;
pub mod undo;
