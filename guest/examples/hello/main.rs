//! hello: a plain WASI command with no skytwin imports. It shows that an ordinary
//! `wasm32-wasip1` program runs unchanged as a skytwin app: stdout and stderr become its
//! log, `std::time::SystemTime` is the simulated UTC clock, `/data` is its private directory
//! and the exit code is reported as an event.

use std::time::{SystemTime, UNIX_EPOCH};

/// Civil date from days since 1970-01-01 (Howard Hinnant's `civil_from_days` algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("hello from a plain WASI command: {args:?}");
    for key in ["SKYTWIN_SATELLITE", "SKYTWIN_APP"] {
        println!(
            "{key}={}",
            std::env::var(key).unwrap_or_else(|_| "(unset)".to_string())
        );
    }
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(t) => {
            let secs = t.as_secs() as i64;
            let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
            let s = secs.rem_euclid(86_400);
            println!(
                "the clock says {y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}Z",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
        }
        Err(_) => println!("the clock is before 1970"),
    }
    // a run counter in the app's private directory: it survives restarts
    let path = "/data/hello-runs";
    let runs = std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(0)
        + 1;
    match std::fs::write(path, format!("{runs}\n")) {
        Ok(()) => println!("run number {runs} (counted in {path})"),
        Err(e) => eprintln!("cannot write {path}: {e}"),
    }
    eprintln!("stderr lines go to the log too (level warn)");
}
