//! Integration tests of the orbit crate, as modules of one test binary (one link instead of
//! six). Named by what they check against: `val_vallado_*` (Vallado's verification set),
//! `val_skyfield_*` (Skyfield golden data), `val_bruteforce_*` / `val_analytic_*`
//! (independent computations), `regress_*`, `prop_*` (property tests).

mod prop_geometry;
mod prop_propagation;
mod regress_bad_input;
mod val_access;
mod val_skyfield;
mod val_vallado;
