//! Pointing at the line and column of a field in a TOML or JSON file, and
//! naming the field at a position.

use std::ops::Range;

use crate::error::FieldPath;

/// Line and column (1-based) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut i = offset.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The byte offset of 1-based `line` and `column` (in characters).
pub(super) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start.min(text.len())..];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// The spans of every key and value of a file, with their paths.
#[derive(Default)]
pub(super) struct Spans(Vec<(Range<usize>, FieldPath, bool)>);

impl Spans {
    /// Every key and value of TOML `text` (as far as it parses).
    pub(super) fn toml(text: &str) -> Spans {
        use toml::de::{DeTable, DeValue};
        fn walk(v: &DeValue<'_>, at: &FieldPath, out: &mut Vec<(Range<usize>, FieldPath, bool)>) {
            match v {
                DeValue::Table(t) => {
                    for (k, val) in t.iter() {
                        let path = at.clone().key(k.get_ref().to_string());
                        out.push((k.span(), path.clone(), true));
                        out.push((val.span(), path.clone(), false));
                        walk(val.get_ref(), &path, out);
                    }
                }
                DeValue::Array(a) => {
                    let items: &[toml::Spanned<DeValue<'_>>] = std::borrow::Borrow::borrow(a);
                    for (i, item) in items.iter().enumerate() {
                        let path = at.clone().index(i);
                        out.push((item.span(), path.clone(), false));
                        walk(item.get_ref(), &path, out);
                    }
                }
                _ => {}
            }
        }
        let (root, _) = DeTable::parse_recoverable(text);
        let mut out = Vec::new();
        walk(
            &DeValue::Table(root.into_inner()),
            &FieldPath::root(),
            &mut out,
        );
        Spans(out)
    }

    /// Every key and value of JSON `text` (as far as it parses).
    pub(super) fn json(text: &str) -> Spans {
        let mut scan = JsonScan {
            text,
            b: text.as_bytes(),
            i: 0,
            out: Vec::new(),
            depth: 0,
        };
        let _ = scan.value(FieldPath::root());
        Spans(scan.out)
    }

    /// The start of the value at `path`, and whether the whole path was
    /// found; failing that, the start of the deepest part found.
    pub(super) fn locate(&self, path: &FieldPath) -> Option<(usize, bool)> {
        let segs = path.segments();
        let mut best: Option<(usize, usize)> = None; // (depth, start)
        for (span, p, is_key) in &self.0 {
            let ps = p.segments();
            if ps.len() > segs.len() || ps != &segs[..ps.len()] {
                continue;
            }
            // The value of the full path wins over its key; otherwise the
            // deepest prefix.
            let rank = ps.len() * 2 + usize::from(!is_key);
            if best.is_none_or(|(r, _)| rank > r) {
                best = Some((rank, span.start));
            }
        }
        best.map(|(rank, start)| (start, rank / 2 == segs.len()))
    }

    /// The path of the deepest key or value whose span holds `offset`.
    pub(super) fn path_at(&self, offset: usize) -> Option<FieldPath> {
        self.0
            .iter()
            .filter(|(r, _, _)| r.contains(&offset) || (r.is_empty() && r.start == offset))
            .max_by(|(ra, a, _), (rb, b, _)| {
                a.segments()
                    .len()
                    .cmp(&b.segments().len())
                    .then(rb.len().cmp(&ra.len()))
            })
            .map(|(_, p, _)| p.clone())
    }
}

/// A minimal JSON reader that records where every key and value is.
struct JsonScan<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    out: Vec<(Range<usize>, FieldPath, bool)>,
    /// Values open around the one being read.
    depth: usize,
}

impl JsonScan<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && self.b[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A string token: its span and decoded text.
    fn string(&mut self) -> Option<(Range<usize>, String)> {
        let start = self.i;
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    let raw = &self.text[start..self.i];
                    let decoded = serde_json::from_str::<String>(raw).ok()?;
                    return Some((start..self.i, decoded));
                }
                _ => self.i += 1,
            }
        }
        None
    }

    fn value(&mut self, at: FieldPath) -> Option<()> {
        // As deep as serde_json goes; deeper text is not a scenario.
        if self.depth >= 128 {
            return None;
        }
        self.depth += 1;
        let found = self.value_within(at);
        self.depth -= 1;
        found
    }

    fn value_within(&mut self, at: FieldPath) -> Option<()> {
        self.ws();
        let start = self.i;
        match self.peek()? {
            b'{' => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        b'"' => {
                            let (span, key) = self.string()?;
                            let path = at.clone().key(key);
                            self.out.push((span, path.clone(), true));
                            self.ws();
                            (self.peek()? == b':').then_some(())?;
                            self.i += 1;
                            self.value(path)?;
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut k = 0;
                loop {
                    self.ws();
                    match self.peek()? {
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        b',' => self.i += 1,
                        _ => {
                            self.value(at.clone().index(k))?;
                            k += 1;
                        }
                    }
                }
            }
            b'"' => {
                self.string()?;
            }
            _ => {
                while self.i < self.b.len() && !b",}] \t\r\n".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                // A stray `}` or `]` where a value belongs: not JSON, and
                // the lists around it would never advance.
                if self.i == start {
                    return None;
                }
            }
        }
        self.out.push((start..self.i, at, false));
        Some(())
    }
}

/// A path as serde_path_to_error reports it, as a [`FieldPath`].
pub(super) fn from_serde_path(path: &serde_path_to_error::Path) -> FieldPath {
    use serde_path_to_error::Segment as S;
    let mut out = FieldPath::root();
    for s in path.iter() {
        out = match s {
            S::Seq { index } => out.index(*index),
            S::Map { key } => out.key(key.clone()),
            S::Enum { variant } => out.key(variant.clone()),
            S::Unknown => out,
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_scans_end_on_text_that_is_not_json() {
        // A stray bracket inside a list once made the scan loop forever,
        // recording the same empty value until memory ran out.
        for text in ["[}", "[:", "{\"a\": [}]}", "[[[[]]", &"[".repeat(10_000)] {
            let spans = Spans::json(text);
            assert!(
                spans.0.len() <= text.len() + 1,
                "{text:.20}: {} spans",
                spans.0.len()
            );
        }
    }

    #[test]
    fn json_spans_locate_values_and_name_positions() {
        let text =
            "{\n  \"ports\": {\n    \"p\": { \"tracks\": 0, \"via\": [[\"a\", \"b\"]] }\n  }\n}\n";
        let spans = Spans::json(text);
        let path = FieldPath::root().key("ports").key("p").key("tracks");
        let (at, full) = spans.locate(&path).unwrap();
        assert!(full);
        assert_eq!(line_col(text, at), (3, 22));
        let via = FieldPath::root()
            .key("ports")
            .key("p")
            .key("via")
            .index(0)
            .index(1);
        assert_eq!(spans.path_at(spans.locate(&via).unwrap().0), Some(via));
        let missing = FieldPath::root().key("ports").key("q");
        assert_eq!(spans.locate(&missing).map(|(_, f)| f), Some(false));
    }

    #[test]
    fn offsets_and_columns_count_characters() {
        let text = "a = 1\nnamé = \"x\"\n";
        let off = offset_of(text, 2, 8);
        assert_eq!(&text[off..off + 1], "\"");
        assert_eq!(line_col(text, off), (2, 8));
    }
}
