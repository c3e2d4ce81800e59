//! The implicit thermal step: backward Euler on the node balance, solved by a simplified
//! Newton iteration with a reused LU factorisation of the Jacobian.
//!
//! One sub-step of h seconds solves for T (Tᵢ⁰ the temperatures at the start, Qᵢ the heat held
//! over the step):
//!   Fᵢ(T) = Cᵢ (Tᵢ − Tᵢ⁰)/h − Qᵢ − Σⱼ Gᵢⱼ (Tⱼ − Tᵢ) − Σⱼ σRᵢⱼ (Tⱼ⁴ − Tᵢ⁴) + σ(εA)ᵢ Tᵢ⁴ = 0
//!   ∂Fᵢ/∂Tᵢ = Cᵢ/h + Σⱼ Gᵢⱼ + Σⱼ 4σRᵢⱼ Tᵢ³ + 4σ(εA)ᵢ Tᵢ³,   ∂Fᵢ/∂Tⱼ = −Gᵢⱼ − 4σRᵢⱼ Tⱼ³
//! Simplified Newton (Hairer & Wanner, *Solving Ordinary Differential Equations II*, 2nd ed.,
//! §IV.8): J(T*) ΔTₖ = −F(Tₖ) with a Jacobian J(T*) factorised at some earlier T*, kept while
//! it converges fast. The iteration converges to the same backward-Euler solution whatever T*
//! is; only the rate θ = |ΔTₖ|/|ΔTₖ₋₁| depends on it. It stops when the estimated distance to
//! the solution θ/(1 − θ)·|ΔTₖ| (their eq. 8.10), or |ΔTₖ| itself, is below `TOLERANCE_K`.
//! The iteration starts from the previous sub-step's change repeated (2T⁰ − T⁻¹). The
//! Jacobian is refactorised when the sub-step length changes, when θ exceeds 0.1 (for the next
//! sub-step) and at once when θ ≥ 0.5 (the iteration then is Newton's). The radiative terms
//! are small against C/h at the steps scenarios use, so θ is typically 1e-5 and two
//! iterations per sub-step suffice; the factorisation is reused for many steps.

/// Convergence tolerance on the temperatures, K.
pub(crate) const TOLERANCE_K: f64 = 1e-9;
/// Iterations before giving up on a sub-step (the last iterate is kept if it is physical).
const MAX_ITERATIONS: usize = 30;
/// Contraction above which the next sub-step refactorises.
const REFACTOR_THETA: f64 = 0.1;
/// Contraction at which the current sub-step refactorises immediately.
const DIVERGING_THETA: f64 = 0.5;

/// LU factorisation with partial pivoting of a small dense row-major n×n matrix
/// (Golub & Van Loan, *Matrix Computations*, alg. 3.4.1), n ≤ a few dozen nodes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lu {
    n: usize,
    lu: Vec<f64>,
    pivots: Vec<usize>,
}

impl Lu {
    /// Factorises `a` (row-major n×n, consumed into the factors). Returns false if singular.
    pub fn factor(&mut self, a: &[f64], n: usize) -> bool {
        self.n = n;
        self.lu.clear();
        self.lu.extend_from_slice(a);
        self.pivots.clear();
        let lu = &mut self.lu;
        for col in 0..n {
            let mut pivot = col;
            let mut best = lu[col * n + col].abs();
            for row in col + 1..n {
                let v = lu[row * n + col].abs();
                if v > best {
                    best = v;
                    pivot = row;
                }
            }
            if best == 0.0 || !best.is_finite() {
                return false;
            }
            self.pivots.push(pivot);
            if pivot != col {
                for k in 0..n {
                    lu.swap(col * n + k, pivot * n + k);
                }
            }
            let inv = 1.0 / lu[col * n + col];
            for row in col + 1..n {
                let factor = lu[row * n + col] * inv;
                lu[row * n + col] = factor;
                if factor != 0.0 {
                    for k in col + 1..n {
                        lu[row * n + k] -= factor * lu[col * n + k];
                    }
                }
            }
        }
        true
    }

    /// Solves A x = b in place with the factors.
    pub fn solve(&self, b: &mut [f64]) {
        let (n, lu) = (self.n, &self.lu);
        for (col, &p) in self.pivots.iter().enumerate() {
            b.swap(col, p);
        }
        for row in 1..n {
            let mut sum = b[row];
            for k in 0..row {
                sum -= lu[row * n + k] * b[k];
            }
            b[row] = sum;
        }
        for row in (0..n).rev() {
            let mut sum = b[row];
            for k in row + 1..n {
                sum -= lu[row * n + k] * b[k];
            }
            b[row] = sum / lu[row * n + row];
        }
    }
}

/// A conductance between two nodes (indices resolved), W/K, or σR for a radiative link,
/// W/K⁴.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Link {
    pub a: usize,
    pub b: usize,
    pub value: f64,
}

/// The constant part of the network.
#[derive(Clone, Debug)]
pub(crate) struct Network {
    /// Cᵢ, J/K.
    pub capacity_j_k: Vec<f64>,
    /// σ(εA)ᵢ, W/K⁴.
    pub emission_w_k4: Vec<f64>,
    pub conductors: Vec<Link>,
    pub radiative: Vec<Link>,
}

impl Network {
    fn len(&self) -> usize {
        self.capacity_j_k.len()
    }

    /// f ← −F(T).
    fn negative_residual(&self, h: f64, t0: &[f64], q: &[f64], t: &[f64], f: &mut [f64]) {
        for i in 0..self.len() {
            let ti = t[i];
            let t2 = ti * ti;
            f[i] = q[i] - self.capacity_j_k[i] * (ti - t0[i]) / h - self.emission_w_k4[i] * t2 * t2;
        }
        for l in &self.conductors {
            let flow = l.value * (t[l.b] - t[l.a]); // into a
            f[l.a] += flow;
            f[l.b] -= flow;
        }
        for l in &self.radiative {
            let (ta2, tb2) = (t[l.a] * t[l.a], t[l.b] * t[l.b]);
            let flow = l.value * (tb2 * tb2 - ta2 * ta2); // into a
            f[l.a] += flow;
            f[l.b] -= flow;
        }
    }

    /// jac ← ∂F/∂T at T.
    fn jacobian(&self, h: f64, t: &[f64], jac: &mut [f64]) {
        let n = self.len();
        jac.iter_mut().for_each(|x| *x = 0.0);
        for i in 0..n {
            jac[i * n + i] = self.capacity_j_k[i] / h + 4.0 * self.emission_w_k4[i] * t[i].powi(3);
        }
        for l in &self.conductors {
            jac[l.a * n + l.a] += l.value;
            jac[l.b * n + l.b] += l.value;
            jac[l.a * n + l.b] -= l.value;
            jac[l.b * n + l.a] -= l.value;
        }
        for l in &self.radiative {
            let (da, db) = (
                4.0 * l.value * t[l.a].powi(3),
                4.0 * l.value * t[l.b].powi(3),
            );
            jac[l.a * n + l.a] += da;
            jac[l.b * n + l.b] += db;
            jac[l.a * n + l.b] -= db;
            jac[l.b * n + l.a] -= da;
        }
    }
}

/// The solver's memory: the factorised Jacobian, the sub-step it was made for, and scratch.
#[derive(Clone, Debug, Default)]
pub(crate) struct ImplicitSolver {
    lu: Lu,
    /// Sub-step the factorisation was made for, s.
    factored_h: Option<f64>,
    stale: bool,
    jac: Vec<f64>,
    delta: Vec<f64>,
    /// Start temperatures and length of the previous sub-step (for the initial guess).
    previous_start: Vec<f64>,
    previous_h: Option<f64>,
    /// Counters since construction: (sub-steps, iterations, factorisations).
    pub(crate) counters: (u64, u64, u64),
}

impl ImplicitSolver {
    fn refactor(&mut self, net: &Network, h: f64, t: &[f64]) -> bool {
        let n = net.len();
        self.jac.resize(n * n, 0.0);
        net.jacobian(h, t, &mut self.jac);
        let ok = self.lu.factor(&self.jac, n);
        self.counters.2 += 1;
        self.factored_h = ok.then_some(h);
        self.stale = false;
        ok
    }

    /// One backward-Euler sub-step of `h` seconds from `t0` with heat `q`; the solution is
    /// written to `t`. Returns false (and leaves `t` unspecified) if no physical solution was
    /// found (singular Jacobian or non-finite values).
    pub fn step(&mut self, net: &Network, h: f64, t0: &[f64], q: &[f64], t: &mut [f64]) -> bool {
        // Initial guess: the previous sub-step's change repeated, Tᵢ = 2Tᵢ⁰ − Tᵢ⁻¹ (equal
        // sub-steps), else T⁰. Only the number of iterations depends on it, not the solution.
        if self.previous_h == Some(h) && self.previous_start.len() == t0.len() {
            for ((ti, &a), &b) in t.iter_mut().zip(t0).zip(&self.previous_start) {
                *ti = (2.0 * a - b).max(0.5 * a);
            }
        } else {
            t.copy_from_slice(t0);
        }
        self.previous_start.clear();
        self.previous_start.extend_from_slice(t0);
        self.previous_h = Some(h);
        if (self.stale || self.factored_h != Some(h)) && !self.refactor(net, h, t) {
            return false;
        }
        let mut delta = std::mem::take(&mut self.delta);
        delta.resize(net.len(), 0.0);
        let mut previous: Option<f64> = None;
        let mut converged = false;
        self.counters.0 += 1;
        for _ in 0..MAX_ITERATIONS {
            self.counters.1 += 1;
            net.negative_residual(h, t0, q, t, &mut delta);
            self.lu.solve(&mut delta);
            let mut norm = 0.0f64;
            for (ti, d) in t.iter_mut().zip(&delta) {
                // Damp steps that would take a temperature non-positive.
                let step = d.max(-0.5 * *ti);
                *ti += step;
                norm = norm.max(step.abs());
            }
            if !norm.is_finite() {
                break;
            }
            if norm <= TOLERANCE_K {
                converged = true;
                break;
            }
            if let Some(prev) = previous {
                let theta = norm / prev;
                if theta >= DIVERGING_THETA {
                    // Too slow or diverging: Newton's Jacobian at the current iterate.
                    if !self.refactor(net, h, t) {
                        break;
                    }
                    previous = None;
                    continue;
                }
                if theta > REFACTOR_THETA {
                    self.stale = true;
                }
                // Hairer & Wanner eq. 8.10: distance to the solution ≤ θ/(1 − θ)·|ΔTₖ|.
                if theta / (1.0 - theta) * norm <= TOLERANCE_K {
                    converged = true;
                    break;
                }
            }
            previous = Some(norm);
        }
        self.delta = delta;
        // As before: after the iteration limit the last iterate is kept if it is physical.
        let physical = t.iter().all(|x| x.is_finite() && *x > 0.0);
        if !converged {
            self.stale = true;
        }
        physical
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_lu_solves_known_system() {
        // [[2,1,0],[1,3,1],[0,1,4]] x = [3,5,5]  =>  x = [1,1,1]; a zero pivot needs a swap.
        let mut lu = Lu::default();
        assert!(lu.factor(&[2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0], 3));
        let mut b = vec![3.0, 5.0, 5.0];
        lu.solve(&mut b);
        for x in b {
            assert!((x - 1.0).abs() < 1e-14);
        }
        assert!(lu.factor(&[0.0, 1.0, 2.0, 3.0], 2));
        let mut b = vec![1.0, 8.0];
        lu.solve(&mut b); // x = [2.5, 1]
        assert!((b[0] - 2.5).abs() < 1e-15 && (b[1] - 1.0).abs() < 1e-15);
        assert!(!lu.factor(&[1.0, 2.0, 2.0, 4.0], 2));
    }

    /// The simplified iteration with an old Jacobian converges to the same backward-Euler
    /// solution as Newton's method with a fresh one.
    #[test]
    fn val_analytic_stale_jacobian_reaches_the_newton_solution() {
        let net = Network {
            capacity_j_k: vec![50.0, 900.0],
            emission_w_k4: vec![5.67e-8 * 0.1, 5.67e-8 * 0.3],
            conductors: vec![Link {
                a: 0,
                b: 1,
                value: 0.5,
            }],
            radiative: vec![Link {
                a: 0,
                b: 1,
                value: 5.67e-8 * 0.01,
            }],
        };
        let (t0, q, h) = ([330.0, 260.0], [20.0, 5.0], 60.0);
        let mut fresh = ImplicitSolver::default();
        let mut expected = [0.0; 2];
        assert!(fresh.step(&net, h, &t0, &q, &mut expected));
        // A solver whose Jacobian was factorised 150 K away.
        let mut old = ImplicitSolver::default();
        let mut t = [0.0; 2];
        assert!(old.step(&net, h, &[180.0, 120.0], &q, &mut t));
        assert!(old.step(&net, h, &t0, &q, &mut t));
        for (a, b) in t.iter().zip(&expected) {
            assert!((a - b).abs() < 2.0 * TOLERANCE_K, "{a} vs {b}");
        }
        // The residual of the solution is zero to the tolerance × C/h.
        let mut f = [0.0; 2];
        net.negative_residual(h, &t0, &q, &expected, &mut f);
        assert!(f.iter().all(|x| x.abs() < 1e-6), "{f:?}");
    }
}
