//! placeholder crate root, replaced by the crate work
