//! Reading the specs: a markdown file's sections, and the values, code blocks and table
//! rows its text states after a label.

/// One markdown file of `specs/`.
pub(crate) struct Doc {
    name: &'static str,
    pub(crate) text: String,
}

pub(crate) fn doc(name: &'static str) -> Doc {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("specs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Doc { name, text }
}

/// Lines that are headings (outside code fences): `(line index, level, title)`.
fn headings(text: &str) -> Vec<(usize, usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if level > 0 && line[level..].starts_with(' ') {
            out.push((i, level, line[level..].trim().to_string()));
        }
    }
    out
}

impl Doc {
    /// The body of the one section whose heading title starts with `number` (such as
    /// `3.6.1` or `7.`), up to the next heading of the same or a higher level. A number
    /// matches a title only when followed by a space or a period, so `2.1` does not match
    /// `2.12`.
    pub(crate) fn section(&self, number: &str) -> String {
        let heads = headings(&self.text);
        let found: Vec<&(usize, usize, String)> = heads
            .iter()
            .filter(|(_, _, title)| {
                title
                    .strip_prefix(number)
                    .is_some_and(|rest| rest.starts_with(' ') || (!number.ends_with('.') && rest.starts_with('.')))
            })
            .collect();
        assert_eq!(found.len(), 1, "{}: expected one section '{number}', found {}", self.name, found.len());
        let (start, level, _) = *found[0];
        let end = heads.iter().find(|(i, l, _)| *i > start && *l <= level).map_or(usize::MAX, |(i, _, _)| *i);
        self.text
            .lines()
            .enumerate()
            .filter(|(i, _)| *i > start && *i < end)
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The text right after the one occurrence of `label` in `text`.
pub(crate) fn after<'a>(text: &'a str, label: &str) -> &'a str {
    let n = text.matches(label).count();
    assert_eq!(n, 1, "expected the label {label:?} exactly once, found it {n} times in:\n{text}");
    &text[text.find(label).unwrap() + label.len()..]
}

/// Skips what may sit between a label and its value: spaces, line breaks, backticks,
/// `=`, `:`, `*`.
pub(crate) fn skip_filler(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '`' | '=' | ':' | '*'))
}

/// A signed decimal integer at the start of `s` (`−` or `-` for minus), as text without
/// the sign normalised to `-`.
pub(crate) fn leading_int(s: &str) -> Option<String> {
    let (neg, rest) = match s.strip_prefix('−').or_else(|| s.strip_prefix('-')) {
        Some(r) => (true, r),
        None => (false, s),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then(|| if neg { format!("-{digits}") } else { digits })
}

/// The decimal integer that follows the first occurrence of `label` (which must occur).
pub(crate) fn first_dec(text: &str, label: &str) -> String {
    let i = text.find(label).unwrap_or_else(|| panic!("no label {label:?} in:\n{text}"));
    leading_int(skip_filler(&text[i + label.len()..])).unwrap_or_else(|| panic!("no integer after {label:?}"))
}

/// The decimal integer that follows `label`.
pub(crate) fn dec(text: &str, label: &str) -> String {
    let s = skip_filler(after(text, label));
    leading_int(s).unwrap_or_else(|| panic!("no integer after {label:?}: {:?}", &s[..s.len().min(60)]))
}

pub(crate) fn dec_i64(text: &str, label: &str) -> i64 {
    dec(text, label).parse().unwrap()
}

/// The lowercase hex string that follows `label` (an optional `0x` is skipped).
pub(crate) fn hexv(text: &str, label: &str) -> String {
    let s = skip_filler(after(text, label));
    let s = s.strip_prefix("0x").unwrap_or(s);
    let h: String = s.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert!(!h.is_empty(), "no hex after {label:?}");
    assert_eq!(h, h.to_lowercase(), "hex after {label:?} is not lowercase");
    h
}

/// The fenced code blocks of `text` whose info string is `lang` (`""` for none).
pub(crate) fn code_blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        if let Some(info) = t.strip_prefix("```") {
            match current.take() {
                None => current = Some((info.trim().to_string(), Vec::new())),
                Some((info, body)) => {
                    if info == lang {
                        out.push(body.join("\n"));
                    }
                }
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        }
    }
    assert!(current.is_none(), "unterminated code block");
    out
}

/// The rows of every markdown table whose header row starts with the cell `first`, as
/// trimmed cells (the header and separator rows left out).
pub(crate) fn tables(text: &str, first: &str) -> Vec<Vec<Vec<String>>> {
    let lines: Vec<&str> = text.lines().collect();
    let is_row = |l: &str| l.trim_start().starts_with('|');
    (0..lines.len())
        .filter(|&i| is_row(lines[i]) && (i == 0 || !is_row(lines[i - 1])) && cells(lines[i])[0] == first)
        .map(|i| lines[i + 2..].iter().take_while(|l| is_row(l)).map(|l| cells(l)).collect())
        .collect()
}

/// The rows of the one table whose header row starts with the cell `first`.
pub(crate) fn table(text: &str, first: &str) -> Vec<Vec<String>> {
    let mut found = tables(text, first);
    assert_eq!(found.len(), 1, "expected one table whose first header cell is {first:?}");
    found.remove(0)
}

/// A table row's cells; `\|` inside a cell is a literal bar.
fn cells(line: &str) -> Vec<String> {
    let line = line.trim().trim_start_matches('|').trim_end_matches('|').replace("\\|", "\u{0}");
    line.split('|').map(|c| c.trim().replace('\u{0}', "|")).collect()
}

/// `"`x`"` → `"x"`: a cell or span without its backticks.
pub(crate) fn unquote(s: &str) -> &str {
    s.trim().trim_start_matches('`').trim_end_matches('`')
}

/// Every signed integer in `s`, in order (`−` or `-` for minus).
pub(crate) fn ints(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(n) = leading_int(rest) {
            let neg_len = if rest.starts_with('−') { '−'.len_utf8() } else { usize::from(rest.starts_with('-')) };
            rest = &rest[neg_len + n.trim_start_matches('-').len()..];
            out.push(n.parse().unwrap());
        } else {
            let c = rest.chars().next().unwrap();
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A float as the specs write it (`−` for minus).
pub(crate) fn float(s: &str) -> f64 {
    s.trim().replace('−', "-").parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
}
