//! Pointing at the line and column of a field in a TOML file.

use crate::error::{FieldPath, Segment};

/// Line and column (1-based) of a byte offset.
pub(super) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// Line and column of the value at `path` in TOML `text`, and whether the
/// whole path was found (otherwise the position is that of the deepest
/// part found).
pub(super) fn locate(text: &str, path: &FieldPath) -> Option<((usize, usize), bool)> {
    use toml::de::{DeTable, DeValue};
    let root = DeTable::parse(text).ok()?;
    let mut span = None;
    let mut value: Option<&DeValue<'_>> = None;
    let root_table = DeValue::Table(root.get_ref().clone());
    let mut current: &DeValue<'_> = &root_table;
    for segment in path.segments() {
        let next = match (segment, current) {
            (Segment::Key(k), DeValue::Table(t)) => t.get(k.as_str()),
            (Segment::Index(i), DeValue::Array(a)) => {
                let items: &[toml::Spanned<DeValue<'_>>] = std::borrow::Borrow::borrow(a);
                items.get(*i)
            }
            _ => None,
        };
        let Some(found) = next else {
            return span.map(|s: std::ops::Range<usize>| (line_col(text, s.start), false));
        };
        span = Some(found.span());
        value = Some(found.get_ref());
        current = found.get_ref();
    }
    let _ = value;
    span.map(|s| (line_col(text, s.start), true))
}

/// The path of the deepest key or value in TOML `text` whose span holds
/// byte `offset` (`ports.x.westbound.tracks`, `flows.f.shares[1]`).
pub(super) fn path_at(text: &str, offset: usize) -> Option<String> {
    use std::ops::Range;
    use toml::de::{DeTable, DeValue};
    // Tables opened by a `[header]` span only their header, so every key and
    // value is listed with its full path, and the deepest one that holds the
    // offset wins.
    fn flatten(v: &DeValue<'_>, prefix: &str, out: &mut Vec<(Range<usize>, String)>) {
        match v {
            DeValue::Table(t) => {
                for (k, val) in t.iter() {
                    let path = if prefix.is_empty() {
                        k.get_ref().to_string()
                    } else {
                        format!("{prefix}.{}", k.get_ref())
                    };
                    out.push((k.span(), path.clone()));
                    out.push((val.span(), path.clone()));
                    flatten(val.get_ref(), &path, out);
                }
            }
            DeValue::Array(a) => {
                let items: &[toml::Spanned<DeValue<'_>>] = std::borrow::Borrow::borrow(a);
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{prefix}[{i}]");
                    out.push((item.span(), path.clone()));
                    flatten(item.get_ref(), &path, out);
                }
            }
            _ => {}
        }
    }
    let (root, _) = DeTable::parse_recoverable(text);
    let mut entries = Vec::new();
    flatten(&DeValue::Table(root.into_inner()), "", &mut entries);
    let depth = |p: &str| p.matches(['.', '[']).count();
    entries
        .into_iter()
        .filter(|(r, _)| r.contains(&offset))
        .max_by(|(ra, a), (rb, b)| depth(a).cmp(&depth(b)).then(rb.len().cmp(&ra.len())))
        .map(|(_, p)| p)
}
