//! Diagnostics: what is wrong in a scenario file, where (file, line, column) and what was
//! expected, rendered with the offending text underlined (`annotate-snippets`, the renderer
//! rustc uses).
//!
//! ```text
//! error: latitude 91 is out of range
//!  --> mission.toml:14:11
//!    |
//! 14 | lat_deg = 91.0
//!    |           ^^^^ expected degrees between -90 and 90
//! ```

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// A text file a scenario was read from (the scenario itself, a hardware template, an
/// element file): its name as the user wrote it and its text, for line/column and carets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as shown in messages.
    pub name: String,
    /// The whole text.
    pub text: String,
}

impl SourceFile {
    /// A file from its name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        (line, column)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem in a scenario: a message, the span of the offending text in a file, a label
/// under it (what was expected), notes, and the underlying error if another component found
/// it (an element-file parser, a template validator, the image loader).
#[derive(Clone)]
pub struct Diagnostic {
    /// The file.
    pub file: Arc<SourceFile>,
    /// Byte range of the offending text.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What was expected (shown under the caret).
    pub label: String,
    /// Further explanations.
    pub notes: Vec<String>,
    /// The error another component reported, if any.
    pub cause: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Debug for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, column) = self.line_column();
        f.debug_struct("Diagnostic")
            .field("file", &self.file.name)
            .field("line", &line)
            .field("column", &column)
            .field("message", &self.message)
            .field("label", &self.label)
            .field("notes", &self.notes)
            .finish()
    }
}

impl Diagnostic {
    /// A diagnostic at `span` of `file`.
    pub fn new(
        file: &Arc<SourceFile>,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Self {
            file: file.clone(),
            span,
            message: message.into(),
            label: label.into(),
            notes: Vec::new(),
            cause: None,
        }
    }

    /// Adds a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Attaches the error another component reported (shown as a note, kept as the source).
    pub fn caused_by(mut self, e: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(Arc::new(e));
        self
    }

    /// 1-based line and column of the start of the span.
    pub fn line_column(&self) -> (usize, usize) {
        self.file.line_column(self.span.start)
    }

    /// `file:line:column`.
    pub fn location(&self) -> String {
        let (line, column) = self.line_column();
        format!("{}:{line}:{column}", self.file.name)
    }

    /// Renders the diagnostic with the source line and a caret under the span; `styled` adds
    /// terminal colours.
    pub fn render(&self, styled: bool) -> String {
        let len = self.file.text.len();
        let start = floor_char_boundary(&self.file.text, self.span.start.min(len));
        let mut end = floor_char_boundary(&self.file.text, self.span.end.min(len)).max(start);
        if end == start && start < len {
            // an empty span (a missing key at the end of a table): underline one character
            end = start
                + self.file.text[start..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
        }
        let cause = self.cause.as_ref().map(|c| error_chain(c.as_ref()));
        let notes: Vec<&str> = self
            .notes
            .iter()
            .map(String::as_str)
            .chain(cause.as_deref())
            .collect();
        let mut group: Group<'_> = Level::ERROR.primary_title(self.message.as_str()).element(
            Snippet::source(self.file.text.as_str())
                .path(self.file.name.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(start..end)
                        .label(self.label.as_str()),
                ),
        );
        for n in notes {
            group = group.element(Level::NOTE.message(n));
        }
        let renderer = if styled {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&[group])
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// An error and its sources, joined by ": ".
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let text = c.to_string();
        if !s.contains(&text) {
            s.push_str(": ");
            s.push_str(&text);
        }
        cur = c.source();
    }
    s
}

/// Diagnostics collected while reading a scenario (reading goes on after an error, so the
/// user sees every problem at once).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics, in the order found.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Into a result: `Ok(value)` when nothing is wrong.
    pub fn into_result<T>(self, value: T) -> Result<T, InvalidScenario> {
        if self.items.is_empty() {
            Ok(value)
        } else {
            Err(InvalidScenario {
                diagnostics: self.items,
            })
        }
    }
}

/// A scenario with one or more problems.
#[derive(Debug, Clone, thiserror::Error)]
pub struct InvalidScenario {
    /// Every problem found, in file order of discovery.
    pub diagnostics: Vec<Diagnostic>,
}

impl InvalidScenario {
    /// Renders every diagnostic (styled for a terminal or plain), then a count.
    pub fn render(&self, styled: bool) -> String {
        let mut s = String::new();
        for d in &self.diagnostics {
            s.push_str(&d.render(styled));
            s.push_str("\n\n");
        }
        let n = self.diagnostics.len();
        s.push_str(&format!(
            "error: the scenario has {n} problem{}",
            if n == 1 { "" } else { "s" }
        ));
        s
    }
}

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}
