//! Round trips and golden files for the PNG codec.

use super::*;

/// xorshift32: deterministic test images.
fn noise(seed: u32, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// A smooth "terrain" with ±2 sensor noise, RGB.
fn terrain(w: u32, h: u32) -> Vec<u8> {
    let n = noise(5, (w * h * 3) as usize);
    let mut out = Vec::with_capacity(n.len());
    for y in 0..h {
        for x in 0..w {
            let base = 80.0 + 40.0 * ((x as f64) * 0.05).sin() * ((y as f64) * 0.03).cos();
            for c in 0..3u32 {
                let i = ((y * w + x) * 3 + c) as usize;
                let v = base + 20.0 * f64::from(c) + f64::from(n[i] % 5) - 2.0;
                out.push(v.clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

fn round_trip(pixels: &[u8], w: u32, h: u32, c: u32) -> usize {
    let png = encode_png(pixels, w, h, c, &[], Effort::default()).unwrap();
    let back = decode_png(&png).unwrap();
    assert_eq!((back.width_px, back.height_px, back.channels), (w, h, c));
    assert!(back.pixels == pixels, "{w}×{h}×{c}: pixels differ");
    png.len()
}

#[test]
fn round_trips_shapes_and_contents() {
    round_trip(&[7], 1, 1, 1);
    round_trip(&[1, 2, 3], 1, 1, 3);
    round_trip(&noise(1, 300), 300, 1, 1);
    round_trip(&noise(2, 300), 1, 100, 3);
    round_trip(&vec![0; 64 * 64 * 3], 64, 64, 3);
    round_trip(&vec![255; 50 * 30], 50, 30, 1);
    round_trip(&terrain(97, 61), 97, 61, 3);
}

#[test]
fn noise_falls_back_to_stored_blocks_with_small_overhead() {
    let px = noise(3, 200 * 200);
    let n = round_trip(&px, 200, 200, 1);
    // incompressible: at most the filter bytes, block headers and PNG framing on top
    assert!(n < px.len() + px.len() / 100 + 200, "{n}");
}

#[test]
fn large_images_span_many_blocks_and_the_whole_window() {
    // 512×300 RGB = 460 KB: many 64 Ki-token blocks; a row repeated 40 KB later needs
    // distances near the 32 KiB window limit
    let (w, h) = (512u32, 300u32);
    let mut px = terrain(w, h);
    let row = (w * 3) as usize;
    for y in 0..h as usize {
        if y % 21 == 20 {
            let src = (y - 20) * row;
            let copy = px[src..src + row].to_vec();
            px[y * row..(y + 1) * row].copy_from_slice(&copy);
        }
    }
    let n = round_trip(&px, w, h, 3);
    assert!(
        n < px.len() / 2,
        "smooth terrain compresses: {n} of {}",
        px.len()
    );
}

#[test]
fn compression_of_typical_scenes() {
    // half black (space), half smooth terrain: the black half costs almost nothing
    let (w, h) = (256u32, 256u32);
    let mut px = terrain(w, h);
    for b in &mut px[..(w * h * 3 / 2) as usize] {
        *b = 0;
    }
    let n = round_trip(&px, w, h, 3);
    assert!(n * 4 < px.len(), "{n}");
    // a horizontal gradient: Sub filter makes it constant
    let g: Vec<u8> = (0..w * h).map(|i| (i % w) as u8).collect();
    assert!(round_trip(&g, w, h, 1) < 1000);
}

#[test]
fn more_effort_is_never_larger_on_repetitive_data() {
    let px = terrain(128, 128);
    let mut sizes = Vec::new();
    for effort in [Effort::FAST, Effort::BALANCED, Effort::BEST] {
        let png = encode_png(&px, 128, 128, 3, &[], effort).unwrap();
        assert_eq!(decode_png(&png).unwrap().pixels, px, "{effort:?}");
        sizes.push(png.len());
    }
    assert!(sizes[0] >= sizes[1] && sizes[1] >= sizes[2], "{sizes:?}");
}

#[test]
fn text_chunks_round_trip() {
    let png = encode_png(
        &[1, 2, 3, 4],
        2,
        2,
        1,
        &[
            ("Source", "skytwin SAT-1/eo-imager"),
            ("Comment", "lat 51.5°"),
        ],
        Effort::default(),
    )
    .unwrap();
    let d = decode_png(&png).unwrap();
    assert_eq!(
        d.text[0],
        ("Source".to_string(), "skytwin SAT-1/eo-imager".to_string())
    );
    assert_eq!(d.text[1].1, "lat 51.5°");
    assert!(matches!(
        encode_png(&[0], 1, 1, 1, &[("", "x")], Effort::default()),
        Err(CodecError::Keyword { .. })
    ));
}

#[test]
fn encoder_rejects_bad_shapes() {
    let e = Effort::default();
    assert_eq!(
        encode_png(&[0; 4], 2, 2, 2, &[], e),
        Err(CodecError::Channels { channels: 2 })
    );
    assert_eq!(
        encode_png(&[0; 5], 2, 2, 1, &[], e),
        Err(CodecError::Size {
            expected: 4,
            found: 5
        })
    );
    assert!(matches!(
        encode_png(&[], 0, 2, 1, &[], e),
        Err(CodecError::Dimensions { .. })
    ));
}

#[test]
fn val_pillow_png_files_decode_to_their_pixels() {
    let rgb = decode_png(include_bytes!("../../tests/data/pil-rgb-37x23.png")).unwrap();
    assert_eq!((rgb.width_px, rgb.height_px, rgb.channels), (37, 23, 3));
    assert_eq!(
        &rgb.pixels[..],
        &include_bytes!("../../tests/data/pil-rgb-37x23.rgb")[..]
    );
    let grey = decode_png(include_bytes!("../../tests/data/pil-grey-37x23.png")).unwrap();
    assert_eq!((grey.width_px, grey.height_px, grey.channels), (37, 23, 1));
    assert_eq!(
        &grey.pixels[..],
        &include_bytes!("../../tests/data/pil-grey-37x23.gray")[..]
    );
}

#[test]
fn every_truncation_and_bit_flip_is_an_error_not_a_panic() {
    let px = terrain(20, 10);
    let png = encode_png(&px, 20, 10, 3, &[("k", "v")], Effort::default()).unwrap();
    for n in 0..png.len() {
        assert!(decode_png(&png[..n]).is_err(), "prefix {n}");
    }
    let mut flips = 0;
    for i in (0..png.len() * 8).step_by(7) {
        let mut c = png.clone();
        c[i / 8] ^= 1 << (i % 8);
        // a flip is caught by the signature, a chunk CRC, the structure or Adler-32; the
        // only harmless flips are in the ancillary-chunk type letters' case bits
        if let Ok(d) = decode_png(&c) {
            assert_eq!(d.pixels, px);
        } else {
            flips += 1;
        }
    }
    assert!(flips > 0);
}

#[test]
fn decoder_limits_output_to_the_declared_image() {
    // an IDAT that inflates to more than the header promises is refused
    let big = encode_png(&vec![0u8; 100 * 100], 100, 100, 1, &[], Effort::default()).unwrap();
    let mut lie = big.clone();
    // patch IHDR height to 10 and fix its CRC
    lie[20..24].copy_from_slice(&10u32.to_be_bytes());
    let crc = crc32(0, &lie[12..29]);
    lie[29..33].copy_from_slice(&crc.to_be_bytes());
    assert!(matches!(
        decode_png(&lie),
        Err(CodecError::Inflate(InflateError::OutputLimit { .. }))
    ));
}
