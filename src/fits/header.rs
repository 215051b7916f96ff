//! FITS header cards and HDU layout, parsed in Rust before cfitsio ever sees a file.
//!
//! Why: cfitsio trusts the sizes a header declares. A crafted or half-written file can make it
//! allocate gigabytes or read past the end. Here every HDU's declared size is computed with
//! checked arithmetic and compared to the bytes actually present, so that only structurally
//! complete files reach the pixel reader.

use std::io::{self, Read};

use super::FitsError;

/// Bytes in one FITS block; every header and data unit is padded to a multiple of it.
pub const BLOCK: u64 = 2880;
/// Bytes in one header card.
const CARD: usize = 80;
/// More header blocks than this in one HDU is treated as a corrupt file (a 2.9 MB header).
const MAX_HEADER_BLOCKS: usize = 1000;
/// A data unit declared larger than this (1 TiB) is absurd, not merely unfinished: failed, not
/// waited for.
const MAX_DATA_BYTES: u64 = 1 << 40;
/// More HDUs than this is treated as a corrupt file.
const MAX_HDUS: usize = 1000;

/// The value of one header card.
#[derive(Debug, Clone, PartialEq)]
pub enum CardValue {
    /// A quoted string, with `''` unescaped and trailing blanks removed.
    Str(String),
    /// `T` or `F`.
    Bool(bool),
    /// An integer that fits in an i64.
    Int(i64),
    /// A real number (Fortran `D` exponents accepted).
    Float(f64),
    /// A value field that is none of the above (kept as written).
    Other(String),
}

/// One 80-character header card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The keyword, upper case, blanks trimmed (empty for blank cards).
    pub key: String,
    /// The value, when the card has a `= ` value indicator.
    pub value: Option<CardValue>,
    /// The card as written (trailing blanks trimmed), for display.
    pub raw: String,
}

/// All cards of one HDU's header, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// The cards before `END`.
    pub cards: Vec<Card>,
}

impl Header {
    /// The value of the last card with this keyword (later cards win, as in cfitsio).
    pub fn get(&self, key: &str) -> Option<&CardValue> {
        self.cards
            .iter()
            .rev()
            .find(|c| c.key == key)
            .and_then(|c| c.value.as_ref())
    }

    /// A numeric value as f64 (integers are converted; non-finite values are refused).
    pub fn f64(&self, key: &str) -> Option<f64> {
        match self.get(key)? {
            CardValue::Float(v) if v.is_finite() => Some(*v),
            CardValue::Int(v) => Some(*v as f64),
            // Some writers quote numbers.
            CardValue::Str(s) => parse_float(s.trim()).filter(|v| v.is_finite()),
            _ => None,
        }
    }

    /// An integer value (a real with no fractional part is accepted).
    pub fn i64(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            CardValue::Int(v) => Some(*v),
            CardValue::Float(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => Some(*v as i64),
            _ => None,
        }
    }

    /// A string value, trimmed; empty strings are `None`.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            CardValue::Str(s) if !s.trim().is_empty() => Some(s.trim()),
            _ => None,
        }
    }

    /// A logical value.
    pub fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            CardValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The text of every HISTORY card, in order.
    pub fn history(&self) -> impl Iterator<Item = &str> {
        self.cards
            .iter()
            .filter(|c| c.key == "HISTORY")
            .map(|c| c.raw.get(8..).unwrap_or("").trim())
    }
}

/// What kind of data unit an HDU holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HduKind {
    /// The primary HDU (`SIMPLE = T`).
    Primary,
    /// An `IMAGE` extension.
    Image,
    /// A `BINTABLE` extension holding a tile-compressed image (`ZIMAGE = T`).
    CompressedImage,
    /// Any other extension (tables and the like).
    Other,
}

/// Where one HDU lies in the (decompressed) file, and its header.
#[derive(Debug, Clone)]
pub struct Hdu {
    /// 0-based HDU number (0 = primary), as cfitsio counts minus one.
    pub index: usize,
    /// What it holds.
    pub kind: HduKind,
    /// Its header.
    pub header: Header,
    /// Offset of the first byte of its data unit.
    pub data_start: u64,
    /// Declared data size in bytes, before padding.
    pub data_len: u64,
}

impl Hdu {
    /// Offset just past this HDU's padded data unit.
    pub fn end(&self) -> u64 {
        self.data_start + pad(self.data_len)
    }
}

/// Rounds a byte count up to whole FITS blocks.
pub fn pad(len: u64) -> u64 {
    len.div_ceil(BLOCK) * BLOCK
}

/// The result of walking every HDU of a file.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Every HDU found, in order.
    pub hdus: Vec<Hdu>,
    /// Bytes of (decompressed) content.
    pub total_len: u64,
}

/// Does this look like the start of a FITS file (`SIMPLE  =` in the first card)?
pub fn is_fits_start(bytes: &[u8]) -> bool {
    bytes.len() >= 9 && &bytes[..9] == b"SIMPLE  ="
}

/// Walks every HDU of a FITS byte stream of `total_len` bytes (when known: plain files) and checks
/// that each HDU's declared data is present.
///
/// Reads headers fully and skips data with `skip`. Errors: [`FitsError::NotFits`] when the first
/// card is not `SIMPLE`, [`FitsError::Incomplete`] when a header or data unit ends early,
/// [`FitsError::BadHeader`] for impossible declarations.
pub fn read_layout<R: Read>(
    reader: &mut R,
    total_len: Option<u64>,
    skip: &mut dyn FnMut(&mut R, u64) -> io::Result<u64>,
) -> Result<Layout, FitsError> {
    let mut hdus = Vec::new();
    let mut pos: u64 = 0;
    loop {
        if hdus.len() >= MAX_HDUS {
            return Err(FitsError::BadHeader(format!("more than {MAX_HDUS} HDUs")));
        }
        let index = hdus.len();
        let header = match read_header(reader, index)? {
            Some((header, blocks)) => {
                pos += blocks as u64 * BLOCK;
                header
            }
            // Clean end of file after the last HDU.
            None if index > 0 => break,
            None => return Err(FitsError::Empty),
        };
        let kind = hdu_kind(&header, index)?;
        let data_len = data_size(&header)?;
        let data_start = pos;
        let padded = pad(data_len);
        if let Some(total) = total_len {
            // A complete file holds every HDU's data with its padding (DESIGN.md item 2): a
            // writer that has not written the padding yet is not done.
            if data_start + padded > total {
                return Err(FitsError::Incomplete(format!(
                    "HDU {index} needs {} bytes, the file has {total}",
                    data_start + padded
                )));
            }
        }
        let skipped = skip(reader, padded)?;
        if skipped < padded {
            return Err(FitsError::Incomplete(format!(
                "HDU {index} needs {} bytes, the stream ends at {}",
                data_start + padded,
                data_start + skipped
            )));
        }
        pos = data_start + padded;
        hdus.push(Hdu {
            index,
            kind,
            header,
            data_start,
            data_len,
        });
        if let Some(total) = total_len {
            if pos >= total {
                break;
            }
        }
    }
    Ok(Layout {
        hdus,
        total_len: total_len.unwrap_or(pos),
    })
}

/// Reads one header (whole blocks up to and including the one with `END`).
/// `Ok(None)` means end of stream before any byte of a new header.
fn read_header<R: Read>(
    reader: &mut R,
    index: usize,
) -> Result<Option<(Header, usize)>, FitsError> {
    let mut cards = Vec::new();
    let mut block = [0u8; BLOCK as usize];
    for nblock in 0..MAX_HEADER_BLOCKS {
        let got = read_full(reader, &mut block)?;
        if got == 0 && nblock == 0 {
            return Ok(None);
        }
        if index == 0 && nblock == 0 && !b"SIMPLE  =".starts_with(&block[..got.min(9)]) {
            return Err(FitsError::NotFits);
        }
        if got < block.len() {
            if index > 0 && nblock == 0 && block[..got].iter().all(|&b| b == 0 || b == b' ') {
                // Trailing junk padding after the last HDU; tolerated.
                return Ok(None);
            }
            return Err(FitsError::Incomplete(format!(
                "header of HDU {index} ends after {} bytes without an END card",
                nblock as u64 * BLOCK + got as u64
            )));
        }
        if nblock == 0 {
            let first = &block[..9];
            let expect: &[u8] = if index == 0 {
                b"SIMPLE  ="
            } else {
                b"XTENSION="
            };
            if first != expect {
                if index == 0 {
                    return Err(FitsError::NotFits);
                }
                // Bytes after the last HDU that are not an extension: tolerated, as cfitsio does.
                return Ok(None);
            }
        }
        for raw in block.chunks_exact(CARD) {
            if raw.iter().any(|&b| !(32..127).contains(&b)) {
                // Binary bytes where cards should be: the header ran into data without an END.
                return Err(FitsError::BadHeader(format!(
                    "HDU {index}: non-text bytes in header block {} (END card missing?)",
                    nblock + 1
                )));
            }
            let card = parse_card(raw);
            if card.key == "END" {
                return Ok(Some((Header { cards }, nblock + 1)));
            }
            cards.push(card);
        }
    }
    Err(FitsError::BadHeader(format!(
        "no END card in the first {MAX_HEADER_BLOCKS} header blocks of HDU {index}"
    )))
}

/// Reads until `buf` is full or end of stream; returns bytes read.
fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn hdu_kind(header: &Header, index: usize) -> Result<HduKind, FitsError> {
    if index == 0 {
        return Ok(HduKind::Primary);
    }
    Ok(
        match header
            .str("XTENSION")
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("IMAGE") => HduKind::Image,
            Some("BINTABLE") if header.bool("ZIMAGE") == Some(true) => HduKind::CompressedImage,
            _ => HduKind::Other,
        },
    )
}

/// Declared data size in bytes: |BITPIX|/8 x GCOUNT x (PCOUNT + NAXIS1 x ... x NAXISn), with every
/// factor validated and every product checked for overflow.
fn data_size(header: &Header) -> Result<u64, FitsError> {
    let bitpix = header
        .i64("BITPIX")
        .ok_or_else(|| FitsError::BadHeader("BITPIX missing or not an integer".into()))?;
    if ![8, 16, 32, 64, -32, -64].contains(&bitpix) {
        return Err(FitsError::BadHeader(format!(
            "BITPIX = {bitpix} (allowed: 8, 16, 32, 64, -32, -64)"
        )));
    }
    let naxis = header
        .i64("NAXIS")
        .ok_or_else(|| FitsError::BadHeader("NAXIS missing or not an integer".into()))?;
    if !(0..=999).contains(&naxis) {
        return Err(FitsError::BadHeader(format!(
            "NAXIS = {naxis} (allowed 0..999)"
        )));
    }
    if naxis == 0 {
        return Ok(0);
    }
    let mut n: u64 = 1;
    let mut any = false;
    for i in 1..=naxis {
        let key = format!("NAXIS{i}");
        let v = header
            .i64(&key)
            .ok_or_else(|| FitsError::BadHeader(format!("{key} missing or not an integer")))?;
        if v < 0 {
            return Err(FitsError::BadHeader(format!("{key} = {v} is negative")));
        }
        // Random groups: NAXIS1 = 0 means "no data on this axis", not an empty array.
        if i == 1 && v == 0 && header.bool("GROUPS") == Some(true) {
            continue;
        }
        any = true;
        n = n
            .checked_mul(v as u64)
            .ok_or_else(|| FitsError::BadHeader("data size overflows (NAXISn product)".into()))?;
    }
    if !any {
        n = 0;
    }
    let pcount = header.i64("PCOUNT").unwrap_or(0);
    let gcount = header.i64("GCOUNT").unwrap_or(1);
    if pcount < 0 || gcount < 0 {
        return Err(FitsError::BadHeader(format!(
            "PCOUNT = {pcount}, GCOUNT = {gcount} (must not be negative)"
        )));
    }
    let bytes = (bitpix.unsigned_abs() / 8)
        .checked_mul(gcount as u64)
        .and_then(|v| v.checked_mul(n.checked_add(pcount as u64)?))
        .ok_or_else(|| FitsError::BadHeader("data size overflows".into()))?;
    if bytes > MAX_DATA_BYTES {
        let dims: Vec<String> = (1..=naxis)
            .map(|i| header.i64(&format!("NAXIS{i}")).unwrap_or(0).to_string())
            .collect();
        return Err(FitsError::BadHeader(format!(
            "declares {bytes} bytes of data ({} pixels of BITPIX {bitpix}), more than any image",
            dims.join(" x ")
        )));
    }
    Ok(bytes)
}

/// Parses one 80-byte card. Never fails: what cannot be understood is kept raw.
pub fn parse_card(raw: &[u8]) -> Card {
    let text: String = raw
        .iter()
        .map(|&b| {
            if (32..127).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect();
    let key = text.get(..8).unwrap_or(&text).trim().to_ascii_uppercase();
    let has_value = text.len() >= 10 && &text[8..10] == "= ";
    let value = if has_value && key != "COMMENT" && key != "HISTORY" {
        parse_value(&text[10..])
    } else {
        None
    };
    Card {
        key,
        value,
        raw: text.trim_end().to_string(),
    }
}

fn parse_value(field: &str) -> Option<CardValue> {
    let s = field.trim_start();
    if let Some(rest) = s.strip_prefix('\'') {
        // A string: '' is an escaped quote; the string ends at a lone quote.
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    out.push('\'');
                    chars.next();
                } else {
                    break;
                }
            } else {
                out.push(c);
            }
        }
        return Some(CardValue::Str(out.trim_end().to_string()));
    }
    let v = s.split('/').next().unwrap_or("").trim();
    if v.is_empty() {
        return None;
    }
    match v {
        "T" => return Some(CardValue::Bool(true)),
        "F" => return Some(CardValue::Bool(false)),
        _ => {}
    }
    if let Ok(i) = v.parse::<i64>() {
        return Some(CardValue::Int(i));
    }
    if let Some(f) = parse_float(v) {
        return Some(CardValue::Float(f));
    }
    Some(CardValue::Other(v.to_string()))
}

/// Parses a FITS real (accepts Fortran `D` exponents).
fn parse_float(v: &str) -> Option<f64> {
    if v.contains(['D', 'd']) {
        v.replace(['D', 'd'], "E").parse().ok()
    } else {
        v.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(s: &str) -> Card {
        let mut b = [b' '; 80];
        b[..s.len()].copy_from_slice(s.as_bytes());
        parse_card(&b)
    }

    #[test]
    fn parses_values() {
        assert_eq!(
            card("NAXIS   =                    2").value,
            Some(CardValue::Int(2))
        );
        assert_eq!(
            card("BMAJ    =   3.3333333333E-03 / deg").value,
            Some(CardValue::Float(3.3333333333e-3))
        );
        assert_eq!(
            card("CDELT1  = -1.0D-03").value,
            Some(CardValue::Float(-1e-3))
        );
        assert_eq!(
            card("SIMPLE  =                    T").value,
            Some(CardValue::Bool(true))
        );
        assert_eq!(
            card("OBJECT  = 'it''s here  '  / comment").value,
            Some(CardValue::Str("it's here".into()))
        );
        assert_eq!(card("HISTORY = not a value").value, None);
        assert_eq!(card("COMMENT hello").key, "COMMENT");
    }

    #[test]
    fn later_cards_win() {
        let h = Header {
            cards: vec![card("BMAJ    = 1.0"), card("BMAJ    = 2.0")],
        };
        assert_eq!(h.f64("BMAJ"), Some(2.0));
    }
}
