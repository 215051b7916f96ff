//! Pixel analysis: image statistics (and, later, background maps and the source finder).

pub mod stats;
