//! The seeded random streams of a run. Every stream is ChaCha (rand_chacha is portable across
//! platforms and versions; `StdRng` is not) keyed by the run seed and told apart by a stream
//! number: the seed's little-endian bytes fill the first 8 of the 32 key bytes.

use rand::SeedableRng;
use rand_chacha::{ChaCha8Rng, ChaCha20Rng};

/// The ChaCha key of a 64-bit seed: its little-endian bytes, then zeros.
fn chacha_key(seed: u64) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key
}

/// The ChaCha20 stream `stream` of `seed`: each app's random bytes (WASI `random_get`) and
/// fault injection.
pub fn chacha20_stream(seed: u64, stream: u64) -> ChaCha20Rng {
    let mut rng = ChaCha20Rng::from_seed(chacha_key(seed));
    rng.set_stream(stream);
    rng
}

/// The ChaCha8 stream `stream` of `seed`: the hardware models' noise and the camera.
pub fn chacha8_stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::from_seed(chacha_key(seed));
    rng.set_stream(stream);
    rng
}
