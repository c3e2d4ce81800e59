//! Integration tests of the orbit crate, as modules of one test binary (one link instead of
//! six). Named by what they check against: `val_vallado_*` (Vallado's verification set, and
//! his code in AFSPC mode), `val_skyfield_*` (Skyfield golden data), `val_analytic_*` (closed
//! forms), `regress_*` (behaviour checked against our own code or fixed expectations, e.g. the
//! pass search against a scan of the same elevation function), `prop_*` (property tests).

mod prop_geometry;
mod prop_propagation;
mod regress_bad_input;
mod val_access;
mod val_skyfield;
mod val_vallado;
