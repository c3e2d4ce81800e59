//! PNG row filters (ISO/IEC 15948 section 9): each row is replaced by its difference from a
//! prediction made of already-coded neighbours, which turns smooth images into small,
//! repetitive residuals that the deflate coder packs well.
//!
//! With `x` the byte being filtered, `a` the same sample of the pixel to the left, `b` the one
//! above and `c` the one above-left (0 outside the image):
//!
//! | type | name | residual |
//! |---|---|---|
//! | 0 | None | x |
//! | 1 | Sub | x − a |
//! | 2 | Up | x − b |
//! | 3 | Average | x − ⌊(a + b) / 2⌋ |
//! | 4 | Paeth | x − Paeth(a, b, c) |

/// The Paeth predictor (ISO/IEC 15948 section 9.4): p = a + b − c, then the neighbour
/// nearest to p (ties: a, then b, then c).
pub fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let pa = (p - i16::from(a)).abs();
    let pb = (p - i16::from(b)).abs();
    let pc = (p - i16::from(c)).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The prediction of filter `kind` for one byte.
fn predict(kind: u8, a: u8, b: u8, c: u8) -> u8 {
    match kind {
        1 => a,
        2 => b,
        3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
        4 => paeth(a, b, c),
        _ => 0,
    }
}

/// Writes each residual `x − pred(a, b, c)` of `row` (`prev` is the row above) into `dst`,
/// without bounds checks in the loop: the first `bpp` bytes have no left neighbours.
#[inline(always)]
fn residuals<P: Fn(u8, u8, u8) -> u8>(
    row: &[u8],
    prev: &[u8],
    bpp: usize,
    pred: P,
    dst: &mut [u8],
) {
    let head = bpp.min(row.len());
    let (dst_head, dst_tail) = dst.split_at_mut(head);
    for ((d, x), b) in dst_head.iter_mut().zip(&row[..head]).zip(&prev[..head]) {
        *d = x.wrapping_sub(pred(0, *b, 0));
    }
    let tail = dst_tail
        .iter_mut()
        .zip(&row[head..])
        .zip(row)
        .zip(&prev[head..])
        .zip(prev);
    for ((((d, x), a), b), c) in tail {
        *d = x.wrapping_sub(pred(*a, *b, *c));
    }
}

/// Filters `row` (with `prev`, the previous unfiltered row, zeros for the first) with filter
/// `kind` into `dst` (`row.len()` bytes). `bpp` is bytes per pixel.
fn filter_into(kind: u8, row: &[u8], prev: &[u8], bpp: usize, dst: &mut [u8]) {
    match kind {
        1 => residuals(row, prev, bpp, |a, _, _| a, dst),
        2 => residuals(row, prev, bpp, |_, b, _| b, dst),
        3 => residuals(
            row,
            prev,
            bpp,
            |a, b, _| ((u16::from(a) + u16::from(b)) >> 1) as u8,
            dst,
        ),
        4 => residuals(row, prev, bpp, paeth, dst),
        _ => dst.copy_from_slice(row),
    }
}

/// Filters `row` with filter `kind`, appending the residuals to `out`.
fn filter_row(kind: u8, row: &[u8], prev: &[u8], bpp: usize, out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + row.len(), 0);
    filter_into(kind, row, prev, bpp, &mut out[start..]);
}

/// The sum of |residual| (residuals taken as signed bytes) of each filter 0…4 on `row`,
/// in one pass over every second byte of the row (half the CPU of a full pass; the choice
/// is a heuristic either way).
fn filter_costs(row: &[u8], prev: &[u8], bpp: usize) -> [u64; 5] {
    let cost = |r: u8| u64::from((r as i8).unsigned_abs());
    let mut c = [0u64; 5];
    let head = bpp.min(row.len());
    for (&x, &b) in row[..head].iter().zip(&prev[..head]) {
        c[0] += cost(x);
        c[1] += cost(x);
        c[2] += cost(x.wrapping_sub(b));
        c[3] += cost(x.wrapping_sub(b >> 1));
        c[4] += cost(x.wrapping_sub(b));
    }
    let (mut c0, mut c1, mut c2, mut c3, mut c4) = (c[0], c[1], c[2], c[3], c[4]);
    let tail = row[head..].iter().zip(row).zip(&prev[head..]).zip(prev);
    for (((&x, &a), &b), &cc) in tail.step_by(2) {
        c0 += cost(x);
        c1 += cost(x.wrapping_sub(a));
        c2 += cost(x.wrapping_sub(b));
        c3 += cost(x.wrapping_sub(((u16::from(a) + u16::from(b)) >> 1) as u8));
        c4 += cost(x.wrapping_sub(paeth(a, b, cc)));
    }
    [c0, c1, c2, c3, c4]
}

/// Filters a whole image: for each row, the filter type byte followed by the residuals,
/// choosing per row the filter with the smallest sum of |residual| taken as signed bytes
/// (the heuristic recommended in ISO/IEC 15948 section 12.8, here on every second byte).
/// `rows` are `stride` bytes each.
pub fn filter_image(pixels: &[u8], stride: usize, bpp: usize) -> Vec<u8> {
    let rows = pixels.len().checked_div(stride).unwrap_or(0);
    let mut out = Vec::with_capacity(rows * (stride + 1));
    let zeros = vec![0u8; stride];
    for y in 0..rows {
        let row = &pixels[y * stride..(y + 1) * stride];
        let prev = if y == 0 {
            &zeros[..]
        } else {
            &pixels[(y - 1) * stride..y * stride]
        };
        let costs = filter_costs(row, prev, bpp);
        let mut best = (u64::MAX, 0u8);
        for (kind, &cost) in costs.iter().enumerate() {
            if cost < best.0 {
                best = (cost, kind as u8);
            }
        }
        out.push(best.1);
        filter_row(best.1, row, prev, bpp, &mut out);
    }
    out
}

/// Reverses [`filter_image`]: `data` holds `rows` × (1 + `stride`) bytes. Returns the
/// row index and type of the first unknown filter type as the error.
pub fn unfilter_image(data: &[u8], stride: usize, bpp: usize) -> Result<Vec<u8>, (usize, u8)> {
    let rows = data.len() / (stride + 1);
    let mut out = vec![0u8; rows * stride];
    for y in 0..rows {
        let line = &data[y * (stride + 1)..(y + 1) * (stride + 1)];
        let kind = line[0];
        if kind > 4 {
            return Err((y, kind));
        }
        let (done, rest) = out.split_at_mut(y * stride);
        let prev = if y == 0 {
            None
        } else {
            Some(&done[(y - 1) * stride..])
        };
        let row = &mut rest[..stride];
        for i in 0..stride {
            let a = if i >= bpp { row[i - bpp] } else { 0 };
            let b = prev.map_or(0, |p| p[i]);
            let c = if i >= bpp {
                prev.map_or(0, |p| p[i - bpp])
            } else {
                0
            };
            row[i] = line[1 + i].wrapping_add(predict(kind, a, b, c));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_png_spec_paeth_ties() {
        // p = a + b − c; nearest wins, ties prefer a then b
        assert_eq!(paeth(10, 20, 10), 20); // p = 20 → b exactly
        assert_eq!(paeth(20, 10, 10), 20); // p = 20 → a exactly
        assert_eq!(paeth(10, 10, 10), 10);
        assert_eq!(paeth(0, 255, 255), 0); // p = 0 → a
        assert_eq!(paeth(100, 50, 200), 50); // p = −50: pa 150, pb 100, pc 250 → b
    }

    #[test]
    fn each_filter_round_trips() {
        let stride = 12;
        let pixels: Vec<u8> = (0..stride * 5)
            .map(|i| ((i * i * 7 + 3) % 256) as u8)
            .collect();
        for kind in 0..5u8 {
            let mut data = Vec::new();
            for y in 0..5 {
                let prev = if y == 0 {
                    vec![0; stride]
                } else {
                    pixels[(y - 1) * stride..y * stride].to_vec()
                };
                data.push(kind);
                filter_row(
                    kind,
                    &pixels[y * stride..(y + 1) * stride],
                    &prev,
                    3,
                    &mut data,
                );
            }
            assert_eq!(
                unfilter_image(&data, stride, 3).unwrap(),
                pixels,
                "filter {kind}"
            );
        }
    }

    #[test]
    fn heuristic_picks_sub_for_horizontal_ramps_and_up_for_repeated_rows() {
        let stride = 30;
        let ramp: Vec<u8> = (0..stride).map(|i| (i * 5) as u8).collect();
        let pixels: Vec<u8> = ramp.iter().chain(ramp.iter()).copied().collect();
        let f = filter_image(&pixels, stride, 1);
        assert_eq!(f[0], 1, "first row: Sub gives all 5s");
        assert_eq!(
            f[stride + 1],
            2,
            "second row equals the first: Up gives zeros"
        );
        assert!(f[stride + 2..].iter().all(|&r| r == 0));
        assert_eq!(unfilter_image(&f, stride, 1).unwrap(), pixels);
        assert_eq!(unfilter_image(&[9, 1, 2], 2, 1), Err((0, 9)));
    }
}
