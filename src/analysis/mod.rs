//! Pixel analysis: image statistics, background maps, Gaussian fitting and the source finder.

pub mod background;
pub mod finder;
pub mod fit;
pub mod stats;
