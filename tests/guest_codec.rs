//! Interoperability of the guest crate's PNG codec (`skytwin_guest::codec`, written from
//! scratch for onboard use) with an independent implementation, the `image` crate (which
//! uses the `png` and `fdeflate`/`miniz_oxide` crates): what our encoder writes, theirs
//! reads back pixel for pixel, and the other way round.

use image::{ImageBuffer, ImageFormat, Luma, Rgb};
use skytwin_guest::codec::{Effort, decode_png, encode_png};
use std::io::Cursor;

/// A deterministic scene: smooth terrain, a bright cloud bank, a black strip (space) and
/// ±3 sensor noise (xorshift32), `channels` 1 or 3.
fn scene(w: u32, h: u32, channels: u32) -> Vec<u8> {
    let mut x = 0x9E37_79B9u32;
    let mut out = Vec::with_capacity((w * h * channels) as usize);
    for row in 0..h {
        for col in 0..w {
            for c in 0..channels {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let noise = (x % 7) as f64 - 3.0;
                let v = if row < h / 8 {
                    0.0
                } else if col > w * 2 / 3 {
                    228.0 + noise
                } else {
                    90.0 + 50.0 * (f64::from(col) * 0.07).sin() * (f64::from(row) * 0.05).cos()
                        + 15.0 * f64::from(c)
                        + noise
                };
                out.push(v.clamp(0.0, 255.0) as u8);
            }
        }
    }
    out
}

#[test]
fn val_image_crate_decodes_our_png() {
    for (w, h, c) in [
        (1u32, 1u32, 1u32),
        (203, 97, 3),
        (640, 480, 3),
        (300, 211, 1),
    ] {
        let px = scene(w, h, c);
        let png = encode_png(
            &px,
            w,
            h,
            c,
            &[("Source", "skytwin test")],
            Effort::default(),
        )
        .expect("encode");
        let img = image::load_from_memory_with_format(&png, ImageFormat::Png)
            .unwrap_or_else(|e| panic!("{w}×{h}×{c}: image crate rejects our PNG: {e}"));
        assert_eq!((img.width(), img.height()), (w, h));
        let theirs = if c == 3 {
            img.to_rgb8().into_raw()
        } else {
            img.to_luma8().into_raw()
        };
        assert!(theirs == px, "{w}×{h}×{c}: pixels differ");
    }
}

#[test]
fn val_our_decoder_reads_image_crate_png() {
    let (w, h) = (257u32, 133u32);
    let rgb = scene(w, h, 3);
    let buf: ImageBuffer<Rgb<u8>, _> = ImageBuffer::from_raw(w, h, rgb.clone()).expect("buffer");
    let mut png = Cursor::new(Vec::new());
    buf.write_to(&mut png, ImageFormat::Png)
        .expect("image crate encodes");
    let d = decode_png(png.get_ref()).expect("our decoder reads it");
    assert_eq!((d.width_px, d.height_px, d.channels), (w, h, 3));
    assert!(d.pixels == rgb);

    let grey = scene(w, h, 1);
    let buf: ImageBuffer<Luma<u8>, _> = ImageBuffer::from_raw(w, h, grey.clone()).expect("buffer");
    let mut png = Cursor::new(Vec::new());
    buf.write_to(&mut png, ImageFormat::Png)
        .expect("image crate encodes");
    let d = decode_png(png.get_ref()).expect("our decoder reads it");
    assert_eq!(d.channels, 1);
    assert!(d.pixels == grey);
}
