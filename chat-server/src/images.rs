//! Avatars and lobby icons: untrusted images in, clean 256×256 PNGs out.
//!
//! The type is decided by magic bytes only (never by a file name or a header), the size is
//! checked from the image header before any pixel is decoded, the decoder runs with explicit
//! limits (no decompression bombs), and the result is re-encoded, which drops all metadata.
//! Files live under the data directory and are replaced atomically.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{ImageFormat, ImageReader, Limits};

use crate::error::Error;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// The largest width or height of an upload.
pub const MAX_SIDE: u32 = 4096;
/// The side of the stored square.
pub const SIDE: u32 = 256;

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
    let format = sniff(bytes).ok_or(Error::UnsupportedMediaType)?;
    let invalid = |message: &'static str| {
        Error::Validation(chat_core::v1::ValidationError {
            field: "image",
            kind: chat_core::v1::ValidationErrorKind::Malformed(message),
        })
    };
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|_| invalid("the image header cannot be read"))?;
    if width == 0 || height == 0 || width > MAX_SIDE || height > MAX_SIDE {
        return Err(invalid("the image must be at most 4096×4096 pixels"));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(128 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|_| invalid("the image cannot be decoded"))?;
    let square = image.resize_to_fill(SIDE, SIDE, image::imageops::FilterType::Triangle);
    let mut out = Cursor::new(Vec::new());
    square
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| Error::Internal(format!("encoding a PNG failed: {e}")))?;
    Ok(out.into_inner())
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
        let io = |e: std::io::Error| Error::Internal(format!("writing an image failed: {e}"));
        tokio::fs::create_dir_all(&self.0).await.map_err(io)?;
        let temporary = self.0.join(format!(".{id}.{}.tmp", crate::store::new_id()));
        tokio::fs::write(&temporary, png).await.map_err(io)?;
        tokio::fs::rename(&temporary, self.path(id))
            .await
            .map_err(io)
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
}
