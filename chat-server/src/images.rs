//! Avatars and lobby icons: untrusted images in, clean 256×256 PNGs out.
//!
//! The type is decided by magic bytes only (never by a file name or a header), the size is
//! checked from the image header before any pixel is decoded, the decoder runs with explicit
//! limits (no decompression bombs), and the result is re-encoded, which drops all metadata.
//! Files live under the data directory and are replaced atomically.
//!
//! Decoding is the one step whose memory grows with the input, so it is bounded twice: a
//! decoded image may take at most [`MAX_DECODED_BYTES`] (width × height × bytes per pixel,
//! so 16-bit channels and alpha count), and [`ImageWork`] lets only one decode per core run
//! at once. Concurrent uploads then cost at most a few hundred MiB, whatever their number.
//!
//! Every user and lobby has a picture: without an upload, [`identicon`] draws one from the
//! id, so clients never need a "no picture" case and the picture of an id never changes until
//! one is uploaded.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

use crate::error::Error;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// The largest width or height of an upload.
pub const MAX_SIDE: u32 = 4096;
/// The side of the stored square.
pub const SIDE: u32 = 256;
/// The most memory one decoded image may take: a 4096×4096 picture at 8 bits per RGBA
/// channel. A 16-bit one of the same size (128 MiB) is refused before decoding.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

/// Runs image normalization on the blocking pool, at most one image per core at a time.
#[derive(Debug)]
pub struct ImageWork {
    decodes: Arc<Semaphore>,
}

impl ImageWork {
    /// One decode at a time per core.
    pub fn new() -> Self {
        Self::with_permits(std::thread::available_parallelism().map_or(1, usize::from))
    }

    /// At most `permits` decodes at a time.
    pub fn with_permits(permits: usize) -> Self {
        Self {
            decodes: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// [`normalize`] on the blocking pool, waiting for a free decode slot first. The slot
    /// goes with the decode, not with the request: a client that hangs up does not free it
    /// while its image is still being decoded.
    pub async fn normalize(&self, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
        let permit = Arc::clone(&self.decodes)
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("image work stopped".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            normalize(&bytes)
        })
        .await?
    }
}

impl Default for ImageWork {
    fn default() -> Self {
        Self::new()
    }
}

/// The four accepted formats, by their first bytes.
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Turns an upload into the stored PNG. CPU-heavy: call on the blocking pool.
pub fn normalize(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let format = sniff(bytes).ok_or(Error::UnsupportedMediaType(
        "the body must be a PNG, JPEG, GIF or WebP image (decided by its bytes)",
    ))?;
    let invalid = |message: &'static str| {
        Error::Validation(chat_core::v1::ValidationError {
            field: "image",
            kind: chat_core::v1::ValidationErrorKind::Malformed(message),
        })
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES * 2);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    // The decoder reads the header only; no pixel is decoded before the checks below.
    let decoder = reader
        .into_decoder()
        .map_err(|_| invalid("the image header cannot be read"))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(invalid("the image must be at most 4096×4096 pixels"));
    }
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(invalid(
            "the image is too large to decode (at most 4096×4096 at 8 bits per channel)",
        ));
    }
    let image =
        DynamicImage::from_decoder(decoder).map_err(|_| invalid("the image cannot be decoded"))?;
    let square = image.resize_to_fill(SIDE, SIDE, image::imageops::FilterType::Triangle);
    let mut out = Cursor::new(Vec::new());
    square
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::Internal(format!("encoding a PNG failed: {e}")))?;
    Ok(out.into_inner())
}

/// The picture of an id that has no upload: a symmetric 5×5 pattern in one colour, both
/// derived from the SHA-256 of the id (GitHub's identicons work alike). Deterministic, so
/// caches and ETags hold. CPU: a PNG encode; call on the blocking pool.
pub fn identicon(id: &str) -> Result<Vec<u8>, Error> {
    use sha2::Digest;
    const CELLS: u32 = 5;
    const CELL: u32 = 44;
    const MARGIN: u32 = (SIDE - CELLS * CELL) / 2;
    let hash = sha2::Sha256::digest(id.as_bytes());
    let colour = hsl_to_rgb(u16::from_be_bytes([hash[0], hash[1]]) % 360, 0.55, 0.5);
    let background = image::Rgb([240u8, 240, 240]);
    // Columns 0–2 are drawn from 15 bits; columns 3–4 mirror 1–0.
    let bits = u32::from_be_bytes([hash[2], hash[3], hash[4], hash[5]]);
    let filled = |row: u32, column: u32| {
        let column = column.min(CELLS - 1 - column);
        bits >> (row * 3 + column) & 1 == 1
    };
    let picture = image::RgbImage::from_fn(SIDE, SIDE, |x, y| {
        let inside = |v: u32| (MARGIN..MARGIN + CELLS * CELL).contains(&v);
        if inside(x) && inside(y) && filled((y - MARGIN) / CELL, (x - MARGIN) / CELL) {
            colour
        } else {
            background
        }
    });
    let mut out = Cursor::new(Vec::new());
    picture
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::Internal(format!("encoding a PNG failed: {e}")))?;
    Ok(out.into_inner())
}

fn hsl_to_rgb(hue: u16, saturation: f32, lightness: f32) -> image::Rgb<u8> {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let sector = f32::from(hue) / 60.0;
    let x = chroma * (1.0 - (sector % 2.0 - 1.0).abs());
    let (r, g, b) = match hue / 60 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    // Each channel lies in 0.0..=1.0, so the cast cannot truncate.
    let channel = |v: f32| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    image::Rgb([channel(r), channel(g), channel(b)])
}

/// The error of a failed image write: an outage when the disk is full (the upload may be
/// retried once there is space), else a failure of the server.
fn write_failed(e: std::io::Error) -> Error {
    if crate::store::is_storage_full(&e) {
        Error::Unavailable {
            outage: crate::store::Outage::StorageFull,
            cause: format!("writing an image failed: {e}"),
        }
    } else {
        Error::Internal(format!("writing an image failed: {e}"))
    }
}

/// Where the images of one kind live.
#[derive(Debug, Clone)]
pub struct ImageDir(PathBuf);

impl ImageDir {
    /// The directory `name` under the data directory.
    pub fn new(data_dir: &Path, name: &str) -> Self {
        Self(data_dir.join(name))
    }

    fn path(&self, id: &str) -> PathBuf {
        self.0.join(format!("{id}.png"))
    }

    /// Stores an image, replacing the old one atomically.
    pub async fn put(&self, id: &str, png: Vec<u8>) -> Result<(), Error> {
        tokio::fs::create_dir_all(&self.0)
            .await
            .map_err(write_failed)?;
        let temporary = self.0.join(format!(".{id}.{}.tmp", crate::clock::new_id()));
        let written = match tokio::fs::write(&temporary, png).await {
            Ok(()) => tokio::fs::rename(&temporary, self.path(id)).await,
            Err(e) => Err(e),
        };
        if let Err(e) = written {
            // A full disk leaves a partial file behind; it would hold the space it took.
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(write_failed(e));
        }
        Ok(())
    }

    /// The stored image, if any.
    pub async fn get(&self, id: &str) -> Result<Option<Vec<u8>>, Error> {
        match tokio::fs::read(self.path(id)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::Internal(format!("reading an image failed: {e}"))),
        }
    }

    /// Removes the stored image; `false` when there was none.
    pub async fn remove(&self, id: &str) -> Result<bool, Error> {
        match tokio::fs::remove_file(self.path(id)).await {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::Internal(format!("removing an image failed: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic_bytes_only() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(ImageFormat::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageFormat::Jpeg));
        assert_eq!(sniff(b"GIF89a..."), Some(ImageFormat::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        assert_eq!(sniff(b"<svg xmlns=...>"), None);
        assert_eq!(sniff(b"BM bitmap"), None);
    }

    #[test]
    fn identicons_are_stable_256_pixel_pngs_that_differ_by_id() {
        let one = identicon("01a23235-6dfd-718e-b135-2e1b17b49729").expect("identicon");
        let again = identicon("01a23235-6dfd-718e-b135-2e1b17b49729").expect("identicon");
        let other = identicon("01a23235-7370-76d0-9743-f3b47e33a449").expect("identicon");
        assert_eq!(one, again);
        assert_ne!(one, other);
        let decoded = image::load_from_memory_with_format(&one, ImageFormat::Png).expect("png");
        assert_eq!((decoded.width(), decoded.height()), (SIDE, SIDE));
        // Left–right symmetric.
        let rgb = decoded.to_rgb8();
        for y in 0..SIDE {
            for x in 0..SIDE / 2 {
                assert_eq!(rgb.get_pixel(x, y), rgb.get_pixel(SIDE - 1 - x, y));
            }
        }
    }
}
