//! detmath against mpmath: every function within its documented error bound on the golden
//! arguments of `tests/data/golden.csv` (see its README). Run with `-- --nocapture` to see
//! the measured maximum error per function; set `DETMATH_GOLDEN=FILE` to run a larger file
//! made by `generate_golden.py --scale N`.

use std::collections::BTreeMap;

const GOLDEN: &str = include_str!("data/golden.csv");

/// Spacing of doubles at |v| (the ulp of v, for normal and subnormal v).
fn ulp(v: f64) -> f64 {
    let biased = (v.abs().to_bits() >> 52) as i32;
    if biased <= 1 {
        return f64::from_bits(1); // 2⁻¹⁰⁷⁴
    }
    // 2^(biased − 1075): a normal power of two for biased ≥ 53, a subnormal one below
    if biased >= 53 {
        f64::from_bits(((biased - 52) as u64) << 52)
    } else {
        f64::from_bits(1 << (biased - 1))
    }
}

/// Error of `got` against value + residual, in ulps of the true value.
fn error_ulps(got: f64, value: f64, residual: f64) -> f64 {
    if got == value && residual == 0.0 {
        return 0.0;
    }
    // got − value is exact (both are within a few ulps); residual < ½ ulp
    ((got - value) - residual).abs() / ulp(value)
}

fn evaluate(function: &str, x: f64, y: f64) -> f64 {
    match function {
        "sin" => detmath::sin(x),
        "cos" => detmath::cos(x),
        "atan" => detmath::atan(x),
        "atan2" => detmath::atan2(x, y),
        "asin" => detmath::asin(x),
        "acos" => detmath::acos(x),
        "cbrt" => detmath::cbrt(x),
        "pow_3_2" => detmath::pow_3_2(x),
        "pow_2_3" => detmath::pow_2_3(x),
        "pow_7_2" => detmath::pow_7_2(x),
        "hypot" => detmath::hypot(x, y),
        other => panic!("unknown function {other}"),
    }
}

/// The documented bound of each function, in ulps.
fn bound(function: &str) -> f64 {
    match function {
        "cbrt" => 0.667,
        "atan2" => 1.5,
        "pow_3_2" => 2.0,
        "pow_7_2" => 4.0,
        _ => 1.0,
    }
}

#[test]
fn val_mpmath_every_function_within_its_bound() {
    let text = match std::env::var("DETMATH_GOLDEN") {
        Ok(path) => std::fs::read_to_string(path).expect("DETMATH_GOLDEN file"),
        Err(_) => GOLDEN.to_owned(),
    };
    let hex = |s: &str| f64::from_bits(u64::from_str_radix(s, 16).expect("hex"));
    let mut worst: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (name, x, y, value, residual) = (f[0], hex(f[1]), hex(f[2]), hex(f[3]), hex(f[4]));
        let got = evaluate(name, x, y);
        let e = error_ulps(got, value, residual);
        let entry = worst.entry(name.to_owned()).or_insert((0.0, 0.0, 0));
        entry.2 += 1;
        if e > entry.0 {
            *entry = (e, x, entry.2);
        }
        if e.is_nan() || e > bound(name) {
            failures.push(format!(
                "{name}({x:e}, {y:e}) = {got:e}, want {value:e}: {e:.3} ulp"
            ));
        }
    }
    for (name, (e, x, n)) in &worst {
        println!("{name:8} {n:6} points, max error {e:.3} ulp (at x = {x:e})");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // sin_cos is sin and cos with one reduction: the same bits
    for line in text.lines().skip(1).filter(|l| l.starts_with("sin,")) {
        let x = hex(line.split(',').nth(1).unwrap());
        assert_eq!(detmath::sin_cos(x), (detmath::sin(x), detmath::cos(x)));
    }
}
