//! Turning untrusted guest bytes into a log line that is safe to print on a terminal.
//!
//! - invalid UTF-8 becomes U+FFFD (replacement character);
//! - terminal escape sequences are removed whole: CSI (`ESC [` … final byte 0x40–0x7E), OSC
//!   (`ESC ]` … BEL or `ESC \`), DCS/SOS/PM/APC strings (`ESC P`/`X`/`^`/`_` … `ESC \`), other
//!   two-byte `ESC x` sequences, and the 8-bit C1 forms (U+0080–U+009F, e.g. U+009B CSI);
//! - other control characters (C0 except tab, DEL) are removed, as are the Unicode
//!   bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can make a log
//!   line display differently from its content;
//! - the result is cut at [`MAX_LOG_LINE_BYTES`] on a character boundary and marked with `…`.

/// Longest log line kept, in bytes of UTF-8 (before the `…` mark).
pub const MAX_LOG_LINE_BYTES: usize = 1024;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';

/// Sanitises untrusted bytes into a printable single line.
pub fn sanitize_log(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(MAX_LOG_LINE_BYTES + 4));
    let mut chars = text.chars().peekable();
    let mut truncated = false;
    while let Some(c) = chars.next() {
        match c {
            ESC => skip_escape(&mut chars),
            // 8-bit CSI/OSC/DCS/SOS/PM/APC: the introducer alone would start a sequence on
            // terminals that honour C1; drop its parameters the same way.
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' => push_capped(&mut out, c, &mut truncated),
            c if c.is_control() => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            c => push_capped(&mut out, c, &mut truncated),
        }
        if truncated {
            break;
        }
    }
    if truncated {
        out.push('…');
    }
    out
}

fn push_capped(out: &mut String, c: char, truncated: &mut bool) {
    if out.len() + c.len_utf8() > MAX_LOG_LINE_BYTES {
        *truncated = true;
    } else {
        out.push(c);
    }
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // nF sequences: ESC, intermediates 0x20-0x2F, then one final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        // Two-byte sequence (ESC c, ESC 7, ...) or a lone ESC at the end.
        _ => {}
    }
}

/// CSI: parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final byte 0x40–0x7E. Any
/// other character ends the sequence (malformed) and is dropped with it.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || !('\u{20}'..='\u{3f}').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/SOS/PM/APC string: runs to BEL, ST (`ESC \`), or U+009C.
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | '\u{9c}' => break,
            ESC => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regress_escape_sequences_removed() {
        assert_eq!(sanitize_log(b"\x1b[31mred\x1b[0m text"), "red text");
        assert_eq!(sanitize_log(b"a\x1b]0;title\x07b"), "ab");
        assert_eq!(
            sanitize_log(b"a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b"),
            "alinkb"
        );
        assert_eq!(sanitize_log(b"clear\x1bc!"), "clear!");
        assert_eq!(sanitize_log("x\u{9b}2Jy".as_bytes()), "xy");
        assert_eq!(
            sanitize_log(b"bell\x07 cr\r lf\n tab\t."),
            "bell cr lf tab\t."
        );
        assert_eq!(sanitize_log("a\u{202e}b\u{2066}c".as_bytes()), "abc");
        assert_eq!(sanitize_log(b"trailing\x1b"), "trailing");
        assert_eq!(sanitize_log(b"\x1b(Bcharset"), "charset");
    }

    #[test]
    fn regress_invalid_utf8_replaced() {
        assert_eq!(sanitize_log(b"ok \xff\xfe end"), "ok \u{fffd}\u{fffd} end");
        assert_eq!(sanitize_log(b"\xe2\x82"), "\u{fffd}");
    }

    #[test]
    fn regress_long_line_cut_on_char_boundary() {
        let long = "é".repeat(2000);
        let s = sanitize_log(long.as_bytes());
        assert!(s.ends_with('…'));
        assert!(s.len() <= MAX_LOG_LINE_BYTES + '…'.len_utf8());
        assert_eq!(
            s.chars().filter(|&c| c == 'é').count(),
            MAX_LOG_LINE_BYTES / 2
        );
    }
}
