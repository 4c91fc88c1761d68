//! Error messages for JSON that serde refuses, for the cases users meet: the NaN and
//! Infinity that Python's `json.dumps` writes, and numbers beyond binary64.

use serde_json::error::Category;

/// What is wrong with `text`, which serde refused with `e`. `at` is empty when `text`
/// is a whole file (positions then name the line), else it already names the line.
pub(super) fn reason(text: &str, e: &serde_json::Error, at: &str) -> String {
    let place = |line: usize, column: usize| {
        if at.is_empty() {
            format!("line {line}, column {column}")
        } else {
            format!("column {column}")
        }
    };
    if e.classify() == Category::Syntax {
        if let Some((token, line, column)) = non_finite_token(text) {
            return format!(
                "{token} at {} is not a number JSON allows (JSON has no NaN or Infinity); replace it with a \
                 finite number, or drop the sample",
                place(line, column)
            );
        }
        if e.to_string().starts_with("number out of range") {
            return format!(
                "the number ending at {} is beyond binary64's range (about ±1.8e308); replace it with a finite number, \
                 or drop the sample",
                place(e.line(), e.column())
            );
        }
    }
    e.to_string()
}

/// The first NaN / Infinity-like word outside strings, with its 1-based line and column.
/// Outside strings, JSON's only words are `true`, `false` and `null`.
fn non_finite_token(text: &str) -> Option<(String, usize, usize)> {
    let (mut line, mut column) = (1, 0);
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            continue;
        }
        if in_string {
            (in_string, escaped) = (escaped || c != '"', !escaped && c == '\\');
            continue;
        }
        if c == '"' {
            in_string = true;
            continue;
        }
        let signed = (c == '-' || c == '+') && chars.peek().is_some_and(|n| n.is_ascii_alphabetic());
        if c.is_ascii_alphabetic() || signed {
            let (start, mut word) = (column, c.to_string());
            while let Some(&n) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
                word.push(n);
                chars.next();
                column += 1;
            }
            let bare = word.trim_start_matches(['-', '+']).to_ascii_lowercase();
            if ["nan", "infinity", "inf"].contains(&bare.as_str()) {
                return Some((word, line, start));
            }
        }
    }
    None
}
