//! Small dense linear solver for the implicit thermal step (N ≤ a few dozen nodes).

/// Solves `a · x = b` in place by Gaussian elimination with partial pivoting; `a` is
/// row-major n×n and is destroyed; `b` receives `x`. Returns false if `a` is singular.
pub(crate) fn solve_in_place(a: &mut [f64], b: &mut [f64], n: usize) -> bool {
    for col in 0..n {
        let mut pivot = col;
        let mut best = a[col * n + col].abs();
        for row in col + 1..n {
            let v = a[row * n + col].abs();
            if v > best {
                best = v;
                pivot = row;
            }
        }
        if best == 0.0 || !best.is_finite() {
            return false;
        }
        if pivot != col {
            for k in 0..n {
                a.swap(col * n + k, pivot * n + k);
            }
            b.swap(col, pivot);
        }
        let inv = 1.0 / a[col * n + col];
        for row in col + 1..n {
            let factor = a[row * n + col] * inv;
            if factor != 0.0 {
                for k in col..n {
                    a[row * n + k] -= factor * a[col * n + k];
                }
                b[row] -= factor * b[col];
            }
        }
    }
    for row in (0..n).rev() {
        let mut sum = b[row];
        for k in row + 1..n {
            sum -= a[row * n + k] * b[k];
        }
        b[row] = sum / a[row * n + row];
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn val_analytic_solves_known_system() {
        // [[2,1,0],[1,3,1],[0,1,4]] x = [3,5,5]  =>  x = [1,1,1]
        let mut a = vec![2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0];
        let mut b = vec![3.0, 5.0, 5.0];
        assert!(super::solve_in_place(&mut a, &mut b, 3));
        for x in b {
            assert!((x - 1.0).abs() < 1e-14);
        }
        let mut singular = vec![1.0, 2.0, 2.0, 4.0];
        let mut b = vec![1.0, 1.0];
        assert!(!super::solve_in_place(&mut singular, &mut b, 2));
    }
}
