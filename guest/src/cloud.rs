//! Cloud screening of an image: the fraction of the visible Earth covered by bright,
//! low-texture, colourless blocks.
//!
//! Clouds are brighter than nearly all land and sea, have little texture at the scale of a
//! few pixels, and are white (low saturation). The image is cut into square blocks; a block
//! is **valid** when its mean luminance is above the dark threshold (not space, not night);
//! a valid block is **cloudy** when its mean luminance is above the bright threshold, its
//! luminance standard deviation is below the texture threshold and (RGB) its mean
//! saturation is below the saturation threshold. The cloud fraction is cloudy ÷ valid.
//! This is the classic threshold test of onboard screening (e.g. the brightness and
//! spatial-uniformity tests of the MODIS cloud mask, Ackerman et al. 1998), on 8-bit
//! samples.

/// Screening thresholds, on 8-bit samples (0…255).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CloudParams {
    /// Block side, pixels.
    pub block_px: u32,
    /// Mean luminance below which a block is dark (space, night) and not counted.
    pub dark_luma: f64,
    /// Mean luminance above which a block may be cloud.
    pub bright_luma: f64,
    /// Luminance standard deviation below which a block is "smooth".
    pub max_texture: f64,
    /// Mean saturation `(max − min) / max` (0…1) below which a block is "white" (RGB only).
    pub max_saturation: f64,
}

impl Default for CloudParams {
    fn default() -> CloudParams {
        CloudParams {
            block_px: 8,
            dark_luma: 20.0,
            bright_luma: 170.0,
            max_texture: 12.0,
            max_saturation: 0.2,
        }
    }
}

/// Result of screening one image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CloudReport {
    /// Blocks examined (partial blocks at the right and bottom edges are skipped).
    pub blocks_total: u32,
    /// Blocks bright enough to show the Earth.
    pub blocks_valid: u32,
    /// Valid blocks classed as cloud.
    pub blocks_cloudy: u32,
}

impl CloudReport {
    /// Cloudy ÷ valid blocks (0…1); `None` when no block shows the Earth.
    pub fn cloud_fraction(&self) -> Option<f64> {
        if self.blocks_valid == 0 {
            None
        } else {
            Some(f64::from(self.blocks_cloudy) / f64::from(self.blocks_valid))
        }
    }

    /// Valid ÷ examined blocks (0…1): how much of the image shows a lit Earth.
    pub fn valid_fraction(&self) -> f64 {
        if self.blocks_total == 0 {
            0.0
        } else {
            f64::from(self.blocks_valid) / f64::from(self.blocks_total)
        }
    }
}

/// Why an image could not be screened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloudError {
    /// Channels other than 1 (grey) or 3 (RGB).
    Channels {
        /// Channels given.
        channels: u32,
    },
    /// `pixels.len()` is not `width × height × channels`.
    Size {
        /// Bytes expected.
        expected: u64,
        /// Bytes given.
        found: usize,
    },
    /// A block side of zero.
    BlockSize,
}

impl std::fmt::Display for CloudError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CloudError::Channels { channels } => {
                write!(f, "{channels} channels (1 or 3 supported)")
            }
            CloudError::Size { expected, found } => {
                write!(f, "image of {found} bytes, expected {expected}")
            }
            CloudError::BlockSize => f.write_str("block size of zero"),
        }
    }
}

impl std::error::Error for CloudError {}

/// Luminance of an 8-bit RGB sample, ITU-R BT.601: Y = 0.299 R + 0.587 G + 0.114 B
/// (in integer form Y = (77 R + 150 G + 29 B) / 256).
fn luma(r: u8, g: u8, b: u8) -> u32 {
    (77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b)) >> 8
}

/// Screens an 8-bit image (row-major, samples interleaved) for clouds.
pub fn screen(
    pixels: &[u8],
    width_px: u32,
    height_px: u32,
    channels: u32,
    params: &CloudParams,
) -> Result<CloudReport, CloudError> {
    if channels != 1 && channels != 3 {
        return Err(CloudError::Channels { channels });
    }
    let expected = u64::from(width_px) * u64::from(height_px) * u64::from(channels);
    if pixels.len() as u64 != expected {
        return Err(CloudError::Size {
            expected,
            found: pixels.len(),
        });
    }
    if params.block_px == 0 {
        return Err(CloudError::BlockSize);
    }
    let (w, c, bs) = (
        width_px as usize,
        channels as usize,
        params.block_px as usize,
    );
    let (bx_n, by_n) = (width_px / params.block_px, height_px / params.block_px);
    let n = (bs * bs) as f64;
    let mut report = CloudReport::default();
    for by in 0..by_n as usize {
        for bx in 0..bx_n as usize {
            let (mut sum, mut sum_sq, mut sat_sum) = (0u64, 0u64, 0.0f64);
            for y in by * bs..(by + 1) * bs {
                let row = &pixels[(y * w + bx * bs) * c..(y * w + (bx + 1) * bs) * c];
                for px in row.chunks_exact(c) {
                    let y_luma = if c == 3 {
                        let (r, g, b) = (px[0], px[1], px[2]);
                        let max = r.max(g).max(b);
                        let min = r.min(g).min(b);
                        if max > 0 {
                            sat_sum += f64::from(max - min) / f64::from(max);
                        }
                        luma(r, g, b)
                    } else {
                        u32::from(px[0])
                    };
                    sum += u64::from(y_luma);
                    sum_sq += u64::from(y_luma * y_luma);
                }
            }
            report.blocks_total += 1;
            // μ = Σy / n,  σ² = Σy² / n − μ²
            let mean = sum as f64 / n;
            let var = (sum_sq as f64 / n - mean * mean).max(0.0);
            if mean < params.dark_luma {
                continue;
            }
            report.blocks_valid += 1;
            let white = c == 1 || sat_sum / n < params.max_saturation;
            if mean > params.bright_luma && var.sqrt() < params.max_texture && white {
                report.blocks_cloudy += 1;
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic noise source (xorshift32) for synthetic scenes.
    struct Noise(u32);
    impl Noise {
        fn next(&mut self) -> u32 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            self.0
        }
        /// Uniform in −a…a.
        fn pm(&mut self, a: i32) -> i32 {
            (self.next() % (2 * a as u32 + 1)) as i32 - a
        }
    }

    fn clamp8(v: i32) -> u8 {
        v.clamp(0, 255) as u8
    }

    /// Cloud (white, smooth, ±4 noise) where `cloudy(x, y)`, else vegetated land (green-brown,
    /// strong texture), on an RGB image.
    fn scene(w: u32, h: u32, cloudy: impl Fn(u32, u32) -> bool) -> Vec<u8> {
        let mut rng = Noise(0x1234_5678);
        let mut img = Vec::new();
        for y in 0..h {
            for x in 0..w {
                if cloudy(x, y) {
                    let v = 225 + rng.pm(4);
                    img.extend_from_slice(&[clamp8(v), clamp8(v + rng.pm(2)), clamp8(v + 3)]);
                } else {
                    let t = ((x * 37 + y * 91) % 7) as i32 * 12 + rng.pm(25);
                    img.extend_from_slice(&[clamp8(70 + t), clamp8(100 + t), clamp8(40 + t / 2)]);
                }
            }
        }
        img
    }

    #[test]
    fn overcast_scene_is_all_cloud() {
        let img = scene(64, 64, |_, _| true);
        let r = screen(&img, 64, 64, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.blocks_total, 64);
        assert_eq!(r.cloud_fraction(), Some(1.0));
    }

    #[test]
    fn clear_land_is_cloud_free() {
        let img = scene(64, 64, |_, _| false);
        let r = screen(&img, 64, 64, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.blocks_valid, 64);
        assert_eq!(r.cloud_fraction(), Some(0.0));
    }

    #[test]
    fn left_third_cloudy_gives_a_third() {
        // blocks are 8 px: columns 0..24 of 72 are cloud: 3 of 9 block columns
        let img = scene(72, 40, |x, _| x < 24);
        let r = screen(&img, 72, 40, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.blocks_total, 45);
        assert_eq!(r.blocks_cloudy, 15);
        assert!((r.cloud_fraction().unwrap() - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn bright_but_textured_or_coloured_is_not_cloud() {
        let mut rng = Noise(99);
        // bright rough terrain (snow and rock): mean ~200, σ ~ 40
        let rough: Vec<u8> = (0..32 * 32)
            .flat_map(|i| {
                let v = clamp8(if (i / 3) % 2 == 0 { 245 } else { 160 } + rng.pm(10));
                [v, v, v]
            })
            .collect();
        let r = screen(&rough, 32, 32, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.cloud_fraction(), Some(0.0));
        // bright, smooth, saturated yellow sand
        let sand: Vec<u8> = (0..32 * 32).flat_map(|_| [250u8, 230, 90]).collect();
        let r = screen(&sand, 32, 32, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.cloud_fraction(), Some(0.0));
    }

    #[test]
    fn night_and_space_are_not_counted() {
        // top half black (space), bottom half cloud: fraction 1 of the valid half
        let img = scene(32, 32, |_, _| true);
        let mut img = img;
        for b in &mut img[..16 * 32 * 3] {
            *b = 0;
        }
        let r = screen(&img, 32, 32, 3, &CloudParams::default()).unwrap();
        assert_eq!(r.valid_fraction(), 0.5);
        assert_eq!(r.cloud_fraction(), Some(1.0));
        let dark = vec![3u8; 32 * 32];
        let r = screen(&dark, 32, 32, 1, &CloudParams::default()).unwrap();
        assert_eq!(r.cloud_fraction(), None);
    }

    #[test]
    fn grey_images_use_brightness_and_texture() {
        let mut rng = Noise(7);
        let img: Vec<u8> = (0..64 * 16)
            .map(|i| {
                if i % 64 < 32 {
                    clamp8(230 + rng.pm(3))
                } else {
                    clamp8(90 + rng.pm(60))
                }
            })
            .collect();
        let r = screen(&img, 64, 16, 1, &CloudParams::default()).unwrap();
        assert_eq!(r.cloud_fraction(), Some(0.5));
    }

    #[test]
    fn rejects_bad_shapes() {
        let p = CloudParams::default();
        assert_eq!(
            screen(&[0; 8], 2, 2, 2, &p),
            Err(CloudError::Channels { channels: 2 })
        );
        assert_eq!(
            screen(&[0; 11], 2, 2, 3, &p),
            Err(CloudError::Size {
                expected: 12,
                found: 11
            })
        );
        let p0 = CloudParams { block_px: 0, ..p };
        assert_eq!(screen(&[0; 4], 2, 2, 1, &p0), Err(CloudError::BlockSize));
        // smaller than one block: nothing examined
        let r = screen(&[255; 4], 2, 2, 1, &p).unwrap();
        assert_eq!((r.blocks_total, r.valid_fraction()), (0, 0.0));
    }
}
