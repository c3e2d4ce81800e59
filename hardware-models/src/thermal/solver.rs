//! The implicit thermal step: backward Euler on the node balance, solved by a simplified
//! Newton iteration with a reused LU factorisation of the Jacobian.
//!
//! One sub-step of h seconds solves for T (Tᵢ⁰ the temperatures at the start, Qᵢ the heat held
//! over the step):
//!   Fᵢ(T) = Cᵢ (Tᵢ − Tᵢ⁰)/h − Qᵢ − Σⱼ Gᵢⱼ (Tⱼ − Tᵢ) − Σⱼ σRᵢⱼ (Tⱼ⁴ − Tᵢ⁴) + σ(εA)ᵢ Tᵢ⁴ = 0
//!   ∂Fᵢ/∂Tᵢ = Cᵢ/h + Σⱼ Gᵢⱼ + Σⱼ 4σRᵢⱼ Tᵢ³ + 4σ(εA)ᵢ Tᵢ³,   ∂Fᵢ/∂Tⱼ = −Gᵢⱼ − 4σRᵢⱼ Tⱼ³
//! Simplified Newton (Hairer & Wanner, *Solving Ordinary Differential Equations II*, 2nd ed.,
//! §IV.8): ΔTₖ = −J(T*)⁻¹ F(Tₖ) with a Jacobian J(T*) inverted (through its LU factors) at
//! some earlier T*, kept while it converges fast. The iteration converges to the same
//! backward-Euler solution whatever T* is; only the rate θ = |ΔTₖ|/|ΔTₖ₋₁| depends on it. It
//! stops when the estimated distance to the solution θ/(1 − θ)·|ΔTₖ| (their eq. 8.10), or
//! |ΔTₖ| itself, is below `TOLERANCE_K`. The iteration starts from the cubic through the last
//! four sub-steps' starts (4T⁰ − 6T⁻¹ + 4T⁻² − T⁻³); after the first iteration the rate of the
//! previous sub-step stands in for θ, η₀ = max(θ/(1 − θ), ε)^0.8 as Hairer & Wanner do. The
//! Jacobian is refactorised when the sub-step length changes, when θ exceeds 0.1 (for the next
//! sub-step) and at once when θ ≥ 0.5 (the iteration then is Newton's). The radiative terms
//! are small against C/h at the steps scenarios use, so θ is typically 1e-4; with the cubic's
//! guess one iteration per sub-step suffices along smooth stretches (1.01 on average over two
//! orbits of the 6U; the line 2T⁰ − T⁻¹ needed about two), and the inverse is reused for many
//! steps.

/// Convergence tolerance on the temperatures, K (per sub-step; over two orbits of 1 s steps the
/// 6U network stays within 4e-10 K of a strict Newton solution, see the thermal tests).
pub(crate) const TOLERANCE_K: f64 = 1e-11;
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

    /// Solves A x = b in place with the factors (forward substitution with the unit lower
    /// triangle, back substitution with the upper one).
    pub fn solve(&self, b: &mut [f64]) {
        let n = self.n;
        let b = &mut b[..n];
        for (col, &p) in self.pivots.iter().enumerate() {
            b.swap(col, p);
        }
        for (row, lu_row) in self.lu.chunks_exact(n).enumerate().skip(1) {
            let (done, rest) = b.split_at_mut(row);
            let dot: f64 = lu_row[..row]
                .iter()
                .zip(done.iter())
                .map(|(l, x)| l * x)
                .sum();
            rest[0] -= dot;
        }
        for (row, lu_row) in self.lu.chunks_exact(n).enumerate().rev() {
            let (head, done) = b.split_at_mut(row + 1);
            let dot: f64 = lu_row[row + 1..]
                .iter()
                .zip(done.iter())
                .map(|(u, x)| u * x)
                .sum();
            head[row] = (head[row] - dot) / lu_row[row];
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
        let inv_h = 1.0 / h;
        for ((((fi, &ti), &t0i), &qi), (&c, &e)) in f
            .iter_mut()
            .zip(t)
            .zip(t0)
            .zip(q)
            .zip(self.capacity_j_k.iter().zip(&self.emission_w_k4))
        {
            let t2 = ti * ti;
            *fi = qi - c * (ti - t0i) * inv_h - e * t2 * t2;
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

#[cfg(test)]
impl Network {
    pub fn jacobian_for_tests(&self, h: f64, t: &[f64], jac: &mut [f64]) {
        self.jacobian(h, t, jac);
    }
    pub fn negative_residual_for_tests(
        &self,
        h: f64,
        t0: &[f64],
        q: &[f64],
        t: &[f64],
        f: &mut [f64],
    ) {
        self.negative_residual(h, t0, q, t, f);
    }
}

/// The solver's memory: the inverted Jacobian, the sub-step it was made for, the last
/// contraction rate, and scratch.
#[derive(Clone, Debug, Default)]
pub(crate) struct ImplicitSolver {
    lu: Lu,
    /// J(T*)⁻¹, row-major (from the LU factors; a simplified Newton step is then one
    /// matrix-vector product).
    inverse: Vec<f64>,
    /// Sub-step the inverse was made for, s.
    factored_h: Option<f64>,
    stale: bool,
    /// Contraction θ measured in the last sub-step that needed two iterations.
    theta: Option<f64>,
    /// η₀ = max(θ/(1 − θ), ε)^0.8 of that θ (the first iteration's error factor).
    eta: f64,
    jac: Vec<f64>,
    residual: Vec<f64>,
    /// Start temperatures of the two previous sub-steps (T⁻¹, T⁻²), their length, and how many
    /// of them are known (for the initial guess).
    history: Vec<f64>,
    previous_h: Option<f64>,
    known_starts: u8,
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
        if ok {
            // Column j of J⁻¹ solves J x = eⱼ.
            self.inverse.resize(n * n, 0.0);
            let mut column = std::mem::take(&mut self.residual);
            for j in 0..n {
                column.clear();
                column.resize(n, 0.0);
                column[j] = 1.0;
                self.lu.solve(&mut column);
                for (i, x) in column.iter().enumerate() {
                    self.inverse[i * n + j] = *x;
                }
            }
            self.residual = column;
        }
        self.factored_h = ok.then_some(h);
        self.stale = false;
        self.theta = None;
        ok
    }

    /// The initial guess of a sub-step: the cubic through the starts of the last three equal
    /// sub-steps and this one extrapolated, Tᵢ = 4Tᵢ⁰ − 6Tᵢ⁻¹ + 4Tᵢ⁻² − Tᵢ⁻³ (with fewer earlier
    /// starts, the parabola or the line; else T⁰). Only the number of iterations depends on it,
    /// not the solution: along a smooth history the cubic is off by the fourth difference
    /// (~h⁴), and the first iteration's correction is small enough to stop at.
    fn initial_guess(&mut self, h: f64, t0: &[f64], t: &mut [f64]) {
        let n = t0.len();
        if self.previous_h != Some(h) || self.history.len() != 3 * n {
            self.known_starts = 0;
            self.history.clear();
            self.history.resize(3 * n, 0.0);
            self.previous_h = Some(h);
        }
        let (b, rest) = self.history.split_at_mut(n);
        let (c, d) = rest.split_at_mut(n);
        for i in 0..n {
            let a = t0[i];
            let guess = match self.known_starts {
                0 => a,
                1 => 2.0 * a - b[i],
                2 => 3.0 * (a - b[i]) + c[i],
                _ => 4.0 * (a + c[i]) - 6.0 * b[i] - d[i],
            };
            t[i] = guess.max(0.5 * a);
            (d[i], c[i], b[i]) = (c[i], b[i], a);
        }
        self.known_starts = (self.known_starts + 1).min(3);
    }

    /// One backward-Euler sub-step of `h` seconds from `t0` with heat `q`; the solution is
    /// written to `t`. Returns false (and leaves `t` unspecified) if no physical solution was
    /// found (singular Jacobian or non-finite values).
    pub fn step(&mut self, net: &Network, h: f64, t0: &[f64], q: &[f64], t: &mut [f64]) -> bool {
        let n = net.len();
        self.initial_guess(h, t0, t);
        if (self.stale || self.factored_h != Some(h)) && !self.refactor(net, h, t) {
            return false;
        }
        self.residual.resize(n, 0.0);
        let mut previous: Option<f64> = None;
        let mut converged = false;
        self.counters.0 += 1;
        for _ in 0..MAX_ITERATIONS {
            self.counters.1 += 1;
            net.negative_residual(h, t0, q, t, &mut self.residual);
            // ΔT = J(T*)⁻¹ (−F); damp steps that would take a temperature non-positive.
            let mut norm = 0.0f64;
            for (ti, row) in t.iter_mut().zip(self.inverse.chunks_exact(n)) {
                let d: f64 = row.iter().zip(&self.residual).map(|(a, f)| a * f).sum();
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
            match previous {
                None => {
                    // First iteration: the rate of the previous sub-step estimates the
                    // remaining error, η₀ = max(η_old, ε)^0.8 (Hairer & Wanner §IV.8).
                    if self.theta.is_some() && self.eta * norm <= TOLERANCE_K {
                        converged = true;
                        break;
                    }
                }
                Some(prev) => {
                    let theta = norm / prev;
                    if theta >= DIVERGING_THETA {
                        // Too slow or diverging: Newton's Jacobian at the current iterate.
                        if !self.refactor(net, h, t) {
                            break;
                        }
                        previous = None;
                        continue;
                    }
                    self.theta = Some(theta);
                    self.eta = (theta / (1.0 - theta)).max(f64::EPSILON).powf(0.8);
                    if theta > REFACTOR_THETA {
                        self.stale = true;
                    }
                    // Hairer & Wanner eq. 8.10: distance to the solution ≤ θ/(1 − θ)·|ΔTₖ|.
                    if theta / (1.0 - theta) * norm <= TOLERANCE_K {
                        converged = true;
                        break;
                    }
                }
            }
            previous = Some(norm);
        }
        if !converged {
            self.stale = true;
        }
        // As before: after the iteration limit the last iterate is kept if it is physical.
        t.iter().all(|x| x.is_finite() && *x > 0.0)
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
