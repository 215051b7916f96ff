//! A minimal FITS writer for synthetic images and test files: one primary image HDU, big-endian
//! data, padded to whole blocks. Written in Rust (not cfitsio) so tests can also write
//! deliberately broken files byte by byte.

use std::io::{self, Write};

use super::header::BLOCK;

/// A header card value for [`FitsWriter`].
#[derive(Debug, Clone)]
pub enum Val {
    /// Logical.
    Bool(bool),
    /// Integer.
    Int(i64),
    /// Real (written with 12 significant digits).
    Float(f64),
    /// String (quotes escaped).
    Str(String),
}

/// Formats one 80-byte card.
pub fn card(key: &str, val: &Val, comment: &str) -> [u8; 80] {
    let v = match val {
        Val::Bool(b) => format!("{:>20}", if *b { "T" } else { "F" }),
        Val::Int(i) => format!("{i:>20}"),
        Val::Float(f) => format!("{:>20}", format_real(*f)),
        Val::Str(s) => format!("{:<20}", format!("'{:<8}'", s.replace('\'', "''"))),
    };
    let mut text = format!("{key:<8}= {v}");
    if !comment.is_empty() {
        text.push_str(" / ");
        text.push_str(comment);
    }
    raw_card(&text)
}

/// An 80-byte card from raw text (HISTORY, COMMENT, END), truncated or blank padded.
pub fn raw_card(text: &str) -> [u8; 80] {
    let mut out = [b' '; 80];
    for (o, b) in out.iter_mut().zip(text.bytes()) {
        *o = if (32..127).contains(&b) { b } else { b'?' };
    }
    out
}

fn format_real(f: f64) -> String {
    if f == 0.0 {
        return "0.0".into();
    }
    // Rust writes 1.5E-3; FITS readers accept that form.
    format!("{f:.12E}")
}

/// Builds a header and writes an image. Cards are written in the order given after the
/// mandatory SIMPLE/BITPIX/NAXIS ones.
#[derive(Debug, Clone, Default)]
pub struct FitsWriter {
    cards: Vec<[u8; 80]>,
}

impl FitsWriter {
    /// A new header with no extra cards.
    pub fn new() -> Self {
        Self::default()
    }

    /// The extra cards so far.
    pub fn cards(&self) -> &[[u8; 80]] {
        &self.cards
    }

    /// Adds a keyword card.
    pub fn key(&mut self, key: &str, val: Val) -> &mut Self {
        self.cards.push(card(key, &val, ""));
        self
    }

    /// Adds a raw card (e.g. `HISTORY ...`).
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.cards.push(raw_card(text));
        self
    }

    /// The header bytes (padded) for an image of `bitpix` and `shape`, as the primary HDU
    /// (`extension = false`) or an IMAGE extension.
    pub fn header_bytes(&self, bitpix: i64, shape: &[u64], extension: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(BLOCK as usize);
        if extension {
            out.extend_from_slice(&card("XTENSION", &Val::Str("IMAGE".into()), ""));
        } else {
            out.extend_from_slice(&card("SIMPLE", &Val::Bool(true), "conforms to FITS"));
        }
        out.extend_from_slice(&card("BITPIX", &Val::Int(bitpix), ""));
        out.extend_from_slice(&card("NAXIS", &Val::Int(shape.len() as i64), ""));
        for (i, n) in shape.iter().enumerate() {
            out.extend_from_slice(&card(&format!("NAXIS{}", i + 1), &Val::Int(*n as i64), ""));
        }
        if extension {
            out.extend_from_slice(&card("PCOUNT", &Val::Int(0), ""));
            out.extend_from_slice(&card("GCOUNT", &Val::Int(1), ""));
        } else if shape.is_empty() {
            out.extend_from_slice(&card("EXTEND", &Val::Bool(true), ""));
        }
        for c in &self.cards {
            out.extend_from_slice(c);
        }
        out.extend_from_slice(&raw_card("END"));
        pad_to_block(&mut out, b' ');
        out
    }

    /// Writes a float32 image as a complete primary HDU.
    pub fn write_f32<W: Write>(&self, w: &mut W, shape: &[u64], data: &[f32]) -> io::Result<()> {
        w.write_all(&self.header_bytes(-32, shape, false))?;
        write_data_f32(w, data)
    }
}

/// Appends zero bytes (data) or blanks (header) to a whole number of blocks.
pub fn pad_to_block(buf: &mut Vec<u8>, fill: u8) {
    let rem = buf.len() % BLOCK as usize;
    if rem != 0 {
        buf.resize(buf.len() + BLOCK as usize - rem, fill);
    }
}

/// Writes big-endian float32 data and its padding.
pub fn write_data_f32<W: Write>(w: &mut W, data: &[f32]) -> io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 20);
    for chunk in data.chunks(1 << 18) {
        buf.clear();
        for v in chunk {
            buf.extend_from_slice(&v.to_be_bytes());
        }
        w.write_all(&buf)?;
    }
    let rem = (data.len() * 4) % BLOCK as usize;
    if rem != 0 {
        w.write_all(&vec![0u8; BLOCK as usize - rem])?;
    }
    Ok(())
}
