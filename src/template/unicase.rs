//! Go's `unicode` case mapping, rune for rune (`unicode.ToUpper`, `ToLower`, `ToTitle`):
//! Go maps each character to one character by Unicode's simple mappings, so `upper "ß"` is
//! `ß` (Rust's `to_uppercase` is the full mapping, `SS`), and `title` writes `ǅ` for `ǆ`.

/// A simple mapping Rust's full mapping hides (it gives several characters there).
fn simple_multi(c: char, upper: bool) -> Option<char> {
    let u = c as u32;
    let m = match u {
        // Greek with ypogegrammeni: lower → the titlecase form, which is also the upper.
        0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 if upper => u + 8,
        0x1FB3 if upper => 0x1FBC,
        0x1FC3 if upper => 0x1FCC,
        0x1FF3 if upper => 0x1FFC,
        0x0130 if !upper => 0x69,
        _ => return None,
    };
    char::from_u32(m)
}

/// `unicode.ToUpper`.
pub fn upper(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_uppercase();
    }
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => simple_multi(c, true).unwrap_or(c),
    }
}

/// `unicode.ToLower`.
pub fn lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => simple_multi(c, false).unwrap_or(c),
    }
}

/// `unicode.ToTitle`: the upper case but for the digraphs that have a title form of their
/// own (`ǅ`, `ǈ`, `ǋ`, `ǲ`) and the Greek letters with ypogegrammeni.
pub fn title(c: char) -> char {
    let u = c as u32;
    let t = match u {
        0x01C4..=0x01C6 => 0x01C5,
        0x01C7..=0x01C9 => 0x01C8,
        0x01CA..=0x01CC => 0x01CB,
        0x01F1..=0x01F3 => 0x01F2,
        0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC => u,
        _ => return upper(c),
    };
    char::from_u32(t).unwrap_or(c)
}

/// `strings.ToUpper`.
pub fn upper_str(s: &str) -> String {
    s.chars().map(upper).collect()
}

/// `strings.ToLower`.
pub fn lower_str(s: &str) -> String {
    s.chars().map(lower).collect()
}

/// `unicode.IsLetter` (category L; Rust's `is_alphabetic` also takes marks and letter
/// numbers, which Go's is not).
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    c.is_alphabetic() && (c.is_lowercase() || c.is_uppercase() || !is_mark_or_number(c))
}

fn is_mark_or_number(c: char) -> bool {
    let u = c as u32;
    // Combining marks Rust counts as alphabetic (Other_Alphabetic) and the letter numbers.
    (0x0300..=0x036F).contains(&u)
        || (0x05B0..=0x05C7).contains(&u)
        || (0x0610..=0x061A).contains(&u)
        || (0x064B..=0x065F).contains(&u)
        || (0x16EE..=0x16F0).contains(&u)
        || (0x2160..=0x2188).contains(&u)
        || (0x3021..=0x3029).contains(&u)
}

/// `unicode.IsDigit` (category Nd), near enough: Rust's `is_numeric` is every N category, so
/// the common letter numbers and other numbers (superscripts, fractions, Roman numerals,
/// circled and ideographic numbers) are taken out.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let u = c as u32;
    c.is_numeric()
        && !matches!(u,
            0xB2 | 0xB3 | 0xB9 | 0xBC..=0xBE | 0x16EE..=0x16F0 | 0x2070..=0x2189
            | 0x2460..=0x24FF | 0x2776..=0x2793 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303A
            | 0x3192..=0x3195 | 0x3220..=0x3229 | 0x3248..=0x324F | 0x3251..=0x325F
            | 0x3280..=0x3289 | 0x32B1..=0x32BF)
}

/// strings.Title's `isSeparator`: ASCII other than letters, digits and `_`; beyond ASCII
/// anything but letters and digits that is a space.
fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if is_letter(c) || is_digit(c) {
        return false;
    }
    super::funcs::is_go_space(c)
}

/// `strings.Title` (Sprig's `title`): the first letter after a separator in title case, so
/// `O'Neil` (the apostrophe separates) and `ßtraße` (ß has no one-letter title form).
pub fn title_str(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}
