//! Rendering records for the terminal: JSON, CSV and aligned text.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

/// Prints records as a JSON array (pretty when `pretty`).
pub fn json_array<T: Serialize, W: Write>(w: &mut W, rows: &[T]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, rows)?;
    writeln!(w)
}

/// Prints records as CSV: a header row of the field names (in declaration order), then one row
/// each. Arrays are joined with `;`, nulls are empty.
pub fn csv<T: Serialize, W: Write>(w: &mut W, rows: &[T]) -> io::Result<()> {
    let values: Vec<Value> = rows
        .iter()
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
        .collect();
    let Some(Value::Object(first)) = values.first() else {
        return Ok(());
    };
    let keys: Vec<String> = first.keys().cloned().collect();
    writeln!(
        w,
        "{}",
        keys.iter()
            .map(|k| csv_field(k))
            .collect::<Vec<_>>()
            .join(",")
    )?;
    for v in &values {
        let Value::Object(m) = v else { continue };
        let line: Vec<String> = keys
            .iter()
            .map(|k| csv_field(&cell(m.get(k).unwrap_or(&Value::Null))))
            .collect();
        writeln!(w, "{}", line.join(","))?;
    }
    Ok(())
}

/// A JSON value as a plain cell.
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Prints rows of cells as left-aligned columns under a header.
pub fn table<W: Write>(w: &mut W, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(wd) = widths.get_mut(i) {
                *wd = (*wd).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let n = cells.len();
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i + 1 == n {
                    c.to_string()
                } else {
                    format!("{c:<width$}", width = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(w, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(w, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// An optional number with fixed decimals, or `-`.
pub fn num(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}"))
        .unwrap_or_else(|| "-".into())
}

/// Prints rows as a JSON array (`json`), CSV (`csv`), or aligned columns under `header` with
/// the cells `cells` makes of each row: the one shape of every listing command.
pub fn print_rows<T: Serialize>(
    rows: &[T],
    json: bool,
    csv_out: bool,
    header: &[&str],
    cells: impl Fn(&T) -> Vec<String>,
) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        json_array(&mut out, rows)
    } else if csv_out {
        csv(&mut out, rows)
    } else {
        let c: Vec<Vec<String>> = rows.iter().map(cells).collect();
        table(&mut out, header, &c)
    }
}

/// The last component of a path, for display.
pub fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
