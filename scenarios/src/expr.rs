//! The small expression language of assertions and app schedules.
//!
//! ```text
//! assertion := metric OP bound                  min(battery_soc) >= 0.3
//! metric    := NAME "(" arg ("," arg)* ")"       time_below(battery_soc, 0.25) <= 10m
//! arg       := WORD | NAME "=" (WORD | STRING)    total(downlinked_bytes, app=eo-imager) >= 1e6
//! OP        := >= | <= | > | < | == | !=         first(contact_start, station=Svalbard) < 2018-01-20T08:00:00Z
//!
//! schedule  := term ("or" term)*                 sunlit and not in_contact
//! term      := factor ("and" factor)*            over_area(Australia) or battery_above(0.8)
//! factor    := "not" factor | "(" schedule ")" | NAME [ "(" WORD ("," WORD)* ")" ]
//! ```
//!
//! A WORD is a run of characters other than white space, `(`, `)`, `,`, `=`, `<`, `>`, `!`
//! and `"`: a number (`0.3`, `-5`, `1e6`), a duration (`90s`, `10m`), a UTC time
//! (`2018-01-20T08:00:00Z`), a clock time (`06:30`) or a name. Names with spaces are written
//! in double quotes. Every node keeps the byte range of its text, so that a meaning error (an
//! unknown quantity) underlines exactly that part of the file.

use std::ops::Range;

/// A token.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    LParen,
    RParen,
    Comma,
    Eq,
    Op(CmpOp),
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `<`
    Lt,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CmpOp {
    /// The operator's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ge => ">=",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Lt => "<",
            Self::Eq => "==",
            Self::Ne => "!=",
        }
    }

    /// Whether `a OP b` holds.
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Self::Ge => a >= b,
            Self::Le => a <= b,
            Self::Gt => a > b,
            Self::Lt => a < b,
            Self::Eq => a == b,
            Self::Ne => a != b,
        }
    }
}

/// A syntax error at a byte range of the expression.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Where, relative to the expression text.
    pub span: Range<usize>,
    /// What was expected.
    pub message: String,
}

fn err<T>(span: Range<usize>, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        span,
        message: message.into(),
    })
}

fn lex(s: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let one = |t: Tok| (t, start..start + 1);
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => out.push(one(Tok::LParen)),
            b')' => out.push(one(Tok::RParen)),
            b',' => out.push(one(Tok::Comma)),
            b'"' => {
                let Some(len) = s[i + 1..].find('"') else {
                    return err(i..s.len(), "this quoted name has no closing \"");
                };
                out.push((Tok::Str(s[i + 1..i + 1 + len].to_string()), i..i + len + 2));
                i += len + 2;
                continue;
            }
            b'>' | b'<' | b'=' | b'!' => {
                let two = b.get(i + 1) == Some(&b'=');
                let tok = match (c, two) {
                    (b'>', true) => Tok::Op(CmpOp::Ge),
                    (b'<', true) => Tok::Op(CmpOp::Le),
                    (b'=', true) => Tok::Op(CmpOp::Eq),
                    (b'!', true) => Tok::Op(CmpOp::Ne),
                    (b'>', false) => Tok::Op(CmpOp::Gt),
                    (b'<', false) => Tok::Op(CmpOp::Lt),
                    (b'=', false) => Tok::Eq,
                    _ => return err(i..i + 1, "expected != "),
                };
                let n = if two { 2 } else { 1 };
                out.push((tok, i..i + n));
                i += n;
                continue;
            }
            _ => {
                while i < b.len() && !b" \t\n\r(),\"<>=!".contains(&b[i]) {
                    i += 1;
                }
                out.push((Tok::Word(s[start..i].to_string()), start..i));
                continue;
            }
        }
        i += 1;
    }
    Ok(out)
}

/// A parsed word or quoted name with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// The text (without quotes).
    pub text: String,
    /// Where.
    pub span: Range<usize>,
}

/// `name=value` or a positional value in a metric's argument list.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The keyword, for `name=value`.
    pub key: Option<Word>,
    /// The value.
    pub value: Word,
}

/// `NAME(args...) OP bound`.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertionExpr {
    /// The function (`min`, `total`, `count`, ...).
    pub function: Word,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Span of `NAME(...)`.
    pub metric_span: Range<usize>,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Word,
}

/// A metric without a comparison: `NAME(args...)` (Monte Carlo metrics, the left side of an
/// assertion).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricExpr {
    /// The function.
    pub function: Word,
    /// Its arguments.
    pub args: Vec<Arg>,
    /// Span of the whole metric.
    pub span: Range<usize>,
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    len: usize,
}

impl Parser {
    fn new(s: &str) -> Result<Self, ExprError> {
        Ok(Self {
            toks: lex(s)?,
            pos: 0,
            len: s.len(),
        })
    }

    fn peek(&self) -> Option<&(Tok, Range<usize>)> {
        self.toks.get(self.pos)
    }

    fn end_span(&self) -> Range<usize> {
        self.len..self.len
    }

    fn here(&self) -> Range<usize> {
        self.peek().map_or(self.end_span(), |t| t.1.clone())
    }

    fn next(&mut self) -> Option<(Tok, Range<usize>)> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn expect(&mut self, want: &Tok, what: &str) -> Result<Range<usize>, ExprError> {
        match self.next() {
            Some((t, span)) if &t == want => Ok(span),
            Some((_, span)) => err(span, format!("expected {what}")),
            None => err(self.end_span(), format!("expected {what}")),
        }
    }

    fn word(&mut self, what: &str) -> Result<Word, ExprError> {
        match self.next() {
            Some((Tok::Word(text) | Tok::Str(text), span)) => Ok(Word { text, span }),
            Some((_, span)) => err(span, format!("expected {what}")),
            None => err(self.end_span(), format!("expected {what}")),
        }
    }

    fn done(&self) -> Result<(), ExprError> {
        match self.peek() {
            None => Ok(()),
            Some((_, span)) => err(span.clone(), "unexpected text after the expression"),
        }
    }

    fn metric(&mut self) -> Result<MetricExpr, ExprError> {
        let function = self.word("a metric such as min(battery_soc)")?;
        self.expect(&Tok::LParen, "( after the metric's name")?;
        let mut args = Vec::new();
        loop {
            let first = self.word("an argument")?;
            if matches!(self.peek(), Some((Tok::Eq, _))) {
                self.next();
                let value = self.word("a value after =")?;
                args.push(Arg {
                    key: Some(first),
                    value,
                });
            } else {
                args.push(Arg {
                    key: None,
                    value: first,
                });
            }
            match self.next() {
                Some((Tok::Comma, _)) => continue,
                Some((Tok::RParen, span)) => {
                    return Ok(MetricExpr {
                        span: function.span.start..span.end,
                        function,
                        args,
                    });
                }
                Some((_, span)) => return err(span, "expected , or )"),
                None => return err(self.end_span(), "expected )"),
            }
        }
    }
}

/// Parses `metric OP bound`.
pub fn parse_assertion(s: &str) -> Result<AssertionExpr, ExprError> {
    let mut p = Parser::new(s)?;
    let m = p.metric()?;
    let op = match p.next() {
        Some((Tok::Op(op), _)) => op,
        Some((_, span)) => return err(span, "expected a comparison: >=, <=, >, <, == or !="),
        None => {
            return err(
                p.end_span(),
                "expected a comparison: >=, <=, >, <, == or !=",
            );
        }
    };
    let bound = p.word("a bound: a number, a duration or a UTC time")?;
    p.done()?;
    Ok(AssertionExpr {
        function: m.function,
        args: m.args,
        metric_span: m.span,
        op,
        bound,
    })
}

/// Parses a metric without a comparison.
pub fn parse_metric(s: &str) -> Result<MetricExpr, ExprError> {
    let mut p = Parser::new(s)?;
    let m = p.metric()?;
    p.done()?;
    Ok(m)
}

/// A schedule expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ScheduleExpr {
    /// `NAME` or `NAME(args)`.
    Atom {
        /// The condition's name.
        name: Word,
        /// Its arguments (empty without parentheses).
        args: Vec<Word>,
    },
    /// `not X`.
    Not(Box<ScheduleExpr>),
    /// `X and Y and ...`.
    All(Vec<ScheduleExpr>),
    /// `X or Y or ...`.
    Any(Vec<ScheduleExpr>),
}

fn is_keyword(t: Option<&(Tok, Range<usize>)>, k: &str) -> bool {
    matches!(t, Some((Tok::Word(w), _)) if w == k)
}

impl Parser {
    fn schedule(&mut self) -> Result<ScheduleExpr, ExprError> {
        let mut terms = vec![self.schedule_term()?];
        while is_keyword(self.peek(), "or") {
            self.next();
            terms.push(self.schedule_term()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            ScheduleExpr::Any(terms)
        })
    }

    fn schedule_term(&mut self) -> Result<ScheduleExpr, ExprError> {
        let mut factors = vec![self.schedule_factor()?];
        while is_keyword(self.peek(), "and") {
            self.next();
            factors.push(self.schedule_factor()?);
        }
        Ok(if factors.len() == 1 {
            factors.remove(0)
        } else {
            ScheduleExpr::All(factors)
        })
    }

    fn schedule_factor(&mut self) -> Result<ScheduleExpr, ExprError> {
        if is_keyword(self.peek(), "not") {
            self.next();
            return Ok(ScheduleExpr::Not(Box::new(self.schedule_factor()?)));
        }
        if matches!(self.peek(), Some((Tok::LParen, _))) {
            self.next();
            let inner = self.schedule()?;
            self.expect(&Tok::RParen, ")")?;
            return Ok(inner);
        }
        let here = self.here();
        let name = self.word("a condition such as sunlit, in_contact, over_area(NAME)")?;
        if name.text == "and" || name.text == "or" {
            return err(here, "expected a condition before and/or");
        }
        let mut args = Vec::new();
        if matches!(self.peek(), Some((Tok::LParen, _))) {
            self.next();
            loop {
                args.push(self.word("an argument")?);
                match self.next() {
                    Some((Tok::Comma, _)) => continue,
                    Some((Tok::RParen, _)) => break,
                    Some((_, span)) => return err(span, "expected , or )"),
                    None => return err(self.end_span(), "expected )"),
                }
            }
        }
        Ok(ScheduleExpr::Atom { name, args })
    }
}

/// Parses a schedule expression.
pub fn parse_schedule(s: &str) -> Result<ScheduleExpr, ExprError> {
    let mut p = Parser::new(s)?;
    let e = p.schedule()?;
    p.done()?;
    Ok(e)
}

/// Maps a byte range inside a TOML string's value to the file: exact when the string is
/// written without escapes on one line (`"..."` or `'...'`), else the whole string.
pub fn map_span(
    file_text: &str,
    value_span: &Range<usize>,
    value: &str,
    inner: &Range<usize>,
) -> Range<usize> {
    let raw = file_text.get(value_span.clone()).unwrap_or("");
    let plain = raw.len() == value.len() + 2
        && (raw.starts_with('"') || raw.starts_with('\''))
        && &raw[1..raw.len() - 1] == value;
    if plain && inner.end <= value.len() {
        let start = value_span.start + 1 + inner.start;
        let end = value_span.start + 1 + inner.end.max(inner.start);
        start..end
    } else {
        value_span.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assertion_parses_with_keywords_and_quoted_names() {
        let a = parse_assertion(r#"count(contact, station="Wallops Island") >= 3"#).unwrap();
        assert_eq!(a.function.text, "count");
        assert_eq!(a.args.len(), 2);
        assert_eq!(a.args[1].key.as_ref().unwrap().text, "station");
        assert_eq!(a.args[1].value.text, "Wallops Island");
        assert_eq!(a.op, CmpOp::Ge);
        assert_eq!(a.bound.text, "3");
        assert_eq!(a.metric_span, 0..40);
    }

    #[test]
    fn assertion_with_time_bound_and_no_spaces() {
        let a = parse_assertion("first(umbra_entry)<2018-01-20T07:00:00Z").unwrap();
        assert_eq!(a.op, CmpOp::Lt);
        assert_eq!(a.bound.text, "2018-01-20T07:00:00Z");
        assert_eq!(a.bound.span, 19..39);
    }

    #[test]
    fn assertion_errors_point_at_the_problem() {
        let e = parse_assertion("min(battery_soc) 0.3").unwrap_err();
        assert_eq!(e.span, 17..20);
        let e = parse_assertion("min(battery_soc >= 0.3").unwrap_err();
        assert!(e.message.contains(", or )"), "{e:?}");
        let e = parse_assertion("min(battery_soc) >= 0.3 extra").unwrap_err();
        assert_eq!(e.span, 24..29);
    }

    #[test]
    fn schedule_precedence_and_binds_tighter_than_or() {
        let s = parse_schedule("sunlit and not in_contact or battery_above(0.8)").unwrap();
        let ScheduleExpr::Any(terms) = s else {
            panic!("{s:?}")
        };
        assert_eq!(terms.len(), 2);
        assert!(matches!(&terms[0], ScheduleExpr::All(f) if f.len() == 2));
        assert!(
            matches!(&terms[1], ScheduleExpr::Atom { name, args } if name.text == "battery_above" && args[0].text == "0.8")
        );
        let s = parse_schedule("not (sunlit or eclipse)").unwrap();
        assert!(matches!(s, ScheduleExpr::Not(_)));
    }

    #[test]
    fn span_maps_into_plain_strings_only() {
        let text = r#"check = "min(x) >= 1""#;
        let span = 8..21;
        assert_eq!(map_span(text, &span, "min(x) >= 1", &(4..5)), 13..14);
        let text = r#"check = "min(x) >= \u0031""#;
        let span = 8..26;
        assert_eq!(map_span(text, &span, "min(x) >= 1", &(4..5)), span);
    }
}
