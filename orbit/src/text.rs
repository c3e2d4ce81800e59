//! Decoding text files: UTF-8, and where it stops being UTF-8 when it does.

/// Where text stops being valid UTF-8: the 1-based line and the 1-based byte column of the
/// first invalid byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Utf8Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column within the line.
    pub column: usize,
}

/// The bytes as a `String`, or the position of the first byte that is not valid UTF-8.
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, Utf8Position> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        Utf8Position {
            line: valid.iter().filter(|&&b| b == b'\n').count() + 1,
            column: valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_position_of_the_first_bad_byte() {
        assert_eq!(utf8_text(b"ab\ncd".to_vec()).unwrap(), "ab\ncd");
        assert_eq!(
            utf8_text(b"ab\ncd\xffe".to_vec()),
            Err(Utf8Position { line: 2, column: 3 })
        );
        assert_eq!(
            utf8_text(b"\xe9".to_vec()),
            Err(Utf8Position { line: 1, column: 1 })
        );
    }
}
