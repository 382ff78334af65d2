//! Bytes of a source: opened, decompressed by their magic bytes (gzip, zstd, bzip2), and cut into
//! chunks of whole lines at places where no record spans the cut.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::formats::{Format, Merge, STRIP_ALL};
use crate::record::Want;

/// The smallest read buffer, and the one a decompressor's output is taken through.
const MIN_BUFFER: usize = 64 << 10;

/// Where a source's bytes come from.
pub enum Input {
    Path(PathBuf),
    Reader(Box<dyn Read + Send>),
}

/// A reader that counts the bytes it hands out (the compressed bytes, for progress).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The compression a stream starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
    Bzip2,
}

impl Compression {
    pub fn of(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if magic.starts_with(b"BZh") {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// The decompressed bytes of `input`, the compression found, and a counter of the raw bytes read.
/// `buffer` is the size of the reads from the source (a chunk's size: one call a chunk). An
/// uncompressed source is the `BufReader` itself, whose reads of a whole chunk or more skip its
/// buffer once it is empty ([`Chunker::read_directly`]).
pub fn open(
    input: Input,
    buffer: usize,
) -> io::Result<(Box<dyn BufRead + Send>, Compression, Arc<AtomicU64>)> {
    let count = Arc::new(AtomicU64::new(0));
    let raw: Box<dyn Read + Send> = match input {
        Input::Path(path) => Box::new(File::open(path)?),
        Input::Reader(reader) => reader,
    };
    let mut buffered = BufReader::with_capacity(
        buffer.max(MIN_BUFFER),
        Counting {
            inner: raw,
            count: count.clone(),
        },
    );
    let compression = Compression::of(buffered.fill_buf()?);
    let stream: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(buffered),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            MIN_BUFFER,
            flate2::bufread::MultiGzDecoder::new(buffered),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            MIN_BUFFER,
            zstd::stream::read::Decoder::with_buffer(buffered)?,
        )),
        Compression::Bzip2 => Box::new(BufReader::with_capacity(
            MIN_BUFFER,
            bzip2::bufread::MultiBzDecoder::new(buffered),
        )),
    };
    Ok((stream, compression, count))
}

/// What the chunker hands on: whole lines, or the place of one line too long to hold.
///
/// The offsets of the newlines of `data` are found once, here: the reader counts the lines by
/// them (the next chunk's first line number) and the worker splits the lines by them.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Lines { data: Vec<u8>, newlines: Vec<usize> },
    TooLong,
}

impl Piece {
    /// How many input lines the piece stands for.
    pub fn line_count(&self) -> u64 {
        match self {
            Piece::TooLong => 1,
            Piece::Lines { data, newlines } => {
                newlines.len() as u64 + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
            }
        }
    }
}

/// The offsets of the newlines of `data`, in order; `capacity` a guess at how many there are.
pub fn newlines(data: &[u8], capacity: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(capacity);
    out.extend(memchr::memchr_iter(b'\n', data));
    out
}

/// Cuts a stream into chunks of about `chunk_size` bytes of whole lines.
pub struct Chunker<R> {
    stream: R,
    format: Format,
    chunk_size: usize,
    max_line: usize,
    /// The bytes read and not yet handed out are `buf[..filled]`; the rest of `buf`, up to its
    /// length, is memory already written (by an earlier chunk) that a read may overwrite.
    buf: Vec<u8>,
    filled: usize,
    /// Reads go straight into `buf` (see [`Chunker::read_directly`]).
    direct: bool,
    /// How many newlines the last chunk had.
    lines: usize,
    eof: bool,
    skipping: bool,
    /// Buffers of chunks already decoded, handed back for reuse (see [`Chunker::recycle`]).
    spare: Option<crossbeam_channel::Receiver<Vec<u8>>>,
    /// Decompressed bytes handed out so far.
    pub consumed: u64,
}

/// How far past the chunk size a record spanning lines may grow before it is cut anyway.
const MAX_RECORD: usize = 64 << 20;

fn stripped<'a>(line: &'a [u8], strip: &[char]) -> Cow<'a, str> {
    match String::from_utf8_lossy(line) {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_matches(strip)),
        Cow::Owned(s) => Cow::Owned(s.trim_matches(strip).to_string()),
    }
}

impl<R: BufRead> Chunker<R> {
    pub fn new(stream: R, format: Format, chunk_size: usize, max_line: usize) -> Chunker<R> {
        Chunker {
            stream,
            format,
            chunk_size: chunk_size.max(1),
            max_line: max_line.max(1),
            buf: Vec::new(),
            filled: 0,
            direct: false,
            lines: 0,
            eof: false,
            skipping: false,
            spare: None,
            consumed: 0,
        }
    }

    /// Take the buffers of decoded chunks from `spare` for later chunks: their memory stays mapped
    /// and warm, where a fresh buffer a chunk cost page faults and unmapping in the allocator.
    pub fn recycle(mut self, spare: crossbeam_channel::Receiver<Vec<u8>>) -> Self {
        self.spare = Some(spare);
        self
    }

    /// Read straight into the chunk's buffer with [`Read::read`], for a stream whose reads of a
    /// chunk bypass its own buffer (an uncompressed source's `BufReader`, once it has handed out the
    /// bytes it read to see the compression): the bytes are written once, not copied out of the
    /// stream's buffer. Without it, each chunk is copied out of the stream's buffer (decompressors).
    pub fn read_directly(mut self) -> Self {
        self.direct = true;
        self
    }

    /// Read about one chunk more into the buffer (dropping the rest of an over-long line first).
    fn fill(&mut self) -> io::Result<()> {
        let target = self.filled + self.chunk_size;
        let more = target.saturating_sub(self.buf.len());
        if self.filled > self.chunk_size {
            self.buf.reserve(more); // a long record: grow geometrically
        } else {
            self.buf.reserve_exact(more);
        }
        while self.filled < target && !self.eof {
            let n = if self.direct {
                self.read_into(target)?
            } else {
                self.copy_into(target)?
            };
            match n {
                None => continue,
                Some(0) => self.eof = true,
                Some(n) => self.keep(n),
            }
        }
        Ok(())
    }

    /// One read into `buf[filled..target]`: the count read (`None`: interrupted, try again).
    ///
    /// The part of the buffer not written before is zeroed first (safe Rust reads only into
    /// initialised memory): once a buffer is recycled, almost all of it was.
    fn read_into(&mut self, target: usize) -> io::Result<Option<usize>> {
        if self.buf.len() < target {
            self.buf.resize(target, 0);
        }
        match self.stream.read(&mut self.buf[self.filled..target]) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Copy what the stream has buffered (at most up to `target`) to `buf[filled..]`: the count
    /// copied (`None`: interrupted, try again).
    fn copy_into(&mut self, target: usize) -> io::Result<Option<usize>> {
        let available = match self.stream.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(None),
            Err(e) => return Err(e),
        };
        let n = available.len().min(target - self.filled);
        self.buf.truncate(self.filled);
        self.buf.extend_from_slice(&available[..n]);
        self.stream.consume(n);
        Ok(Some(n))
    }

    /// Keep the `n` bytes just read at `buf[filled..]`, or while skipping an over-long line, only
    /// those after its end.
    fn keep(&mut self, n: usize) {
        let read = self.filled..self.filled + n;
        if !self.skipping {
            self.filled = read.end;
            return;
        }
        if let Some(i) = memchr::memchr(b'\n', &self.buf[read.clone()]) {
            self.skipping = false;
            self.buf
                .copy_within(read.start + i + 1..read.end, self.filled);
            self.filled += n - i - 1;
        }
    }

    /// Where to cut `complete` (whole lines, ending in a newline) so no record spans the cut: a
    /// position just after a newline, or None if there is no such place but the end.
    fn boundary(&self, complete: &[u8]) -> Option<usize> {
        let strip = self.format.strip();
        match self.format.merge() {
            Merge::None => Some(complete.len()),
            Merge::Lines => {
                // Cut before the last line that starts a record (not counting the first line).
                let mut end = complete.len() - 1; // the newline ending the last line
                loop {
                    let start = memchr::memrchr(b'\n', &complete[..end]).map_or(0, |i| i + 1);
                    if start == 0 {
                        return None;
                    }
                    let line = stripped(&complete[start..end], strip);
                    if !line.is_empty()
                        && end - start <= self.max_line
                        && !self.format.continues(&line)
                    {
                        return Some(start);
                    }
                    end = start - 1;
                }
            }
            Merge::Pieces => {
                // Cut after the last non-blank line whose record does not go on in the next line.
                let mut end = complete.len() - 1;
                let mut open_after = false;
                loop {
                    let start = memchr::memrchr(b'\n', &complete[..end]).map_or(0, |i| i + 1);
                    let line = stripped(&complete[start..end], strip);
                    if !line.trim().is_empty() {
                        let open = end - start <= self.max_line
                            && self
                                .format
                                .decode(&line, &Want::ALL)
                                .is_ok_and(|raw| raw.open);
                        if !open {
                            return Some(if open_after { end + 1 } else { complete.len() });
                        }
                        open_after = true;
                    }
                    if start == 0 {
                        return None;
                    }
                    end = start - 1;
                }
            }
        }
    }

    /// The next piece, or None at the end of the stream.
    pub fn next_piece(&mut self) -> io::Result<Option<Piece>> {
        loop {
            if !self.eof && self.filled < self.chunk_size {
                self.fill()?;
            }
            if self.filled == 0 && self.eof {
                return Ok(None);
            }
            let data = &self.buf[..self.filled];
            let last_newline = memchr::memrchr(b'\n', data);
            let cut = match last_newline {
                None if self.eof => Some(self.filled),
                None => {
                    if self.filled > self.max_line {
                        self.filled = 0;
                        self.skipping = true;
                        return Ok(Some(Piece::TooLong));
                    }
                    None
                }
                Some(_) if self.eof => Some(self.filled),
                Some(i) => {
                    let found = self.boundary(&data[..=i]).filter(|&cut| cut > 0);
                    found.or_else(|| (self.filled > self.chunk_size + MAX_RECORD).then_some(i + 1))
                }
            };
            match cut {
                Some(cut) => {
                    let data = self.cut(cut);
                    // Room for a few more lines than the last chunk had: one allocation a chunk.
                    let newlines = newlines(&data, self.lines + self.lines / 8 + 16);
                    self.lines = newlines.len();
                    return Ok(Some(Piece::Lines { data, newlines }));
                }
                None => {
                    let before = self.filled;
                    let target = before + self.chunk_size;
                    while self.filled < target && !self.eof {
                        self.fill()?;
                    }
                    if self.filled == before && !self.eof {
                        continue;
                    }
                }
            }
        }
    }

    /// Hand out the first `cut` bytes read as a chunk; the rest starts the next buffer (a recycled
    /// one when there is one, whose old bytes past the rest are left for later reads to overwrite).
    fn cut(&mut self, cut: usize) -> Vec<u8> {
        let spare = self.spare.as_ref().and_then(|s| s.try_recv().ok());
        // A buffer grown by a long record is freed, not kept for the rest of the pass.
        let mut next = spare
            .filter(|b| b.capacity() <= 2 * self.chunk_size)
            .unwrap_or_default();
        let rest = &self.buf[cut..self.filled];
        match next.get_mut(..rest.len()) {
            Some(start) => start.copy_from_slice(rest),
            None => {
                next.clear();
                next.extend_from_slice(rest);
            }
        }
        self.filled = rest.len();
        let mut chunk = std::mem::replace(&mut self.buf, next);
        chunk.truncate(cut);
        self.consumed += chunk.len() as u64;
        chunk
    }
}

/// The first `n` non-blank, stripped lines among the first `max_bytes` of `input` (for detection).
pub fn sample(input: Input, n: usize, max_bytes: usize) -> io::Result<Vec<String>> {
    let (stream, _, _) = open(input, MIN_BUFFER)?;
    let mut head = Vec::new();
    stream.take(max_bytes as u64).read_to_end(&mut head)?;
    let text = String::from_utf8_lossy(&head);
    Ok(text
        .split('\n')
        .map(|line| line.trim_matches(STRIP_ALL))
        .filter(|line| !line.is_empty())
        .take(n)
        .map(str::to_string)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Kind;

    fn pieces(data: &[u8], kind: Kind, chunk: usize, max_line: usize) -> Vec<Piece> {
        let format = Format::new(kind, &[], 2025).unwrap();
        let mut chunker = Chunker::new(data, format, chunk, max_line);
        let mut out = Vec::new();
        while let Some(piece) = chunker.next_piece().unwrap() {
            out.push(piece);
        }
        out
    }

    #[test]
    fn chunks_hold_whole_lines_and_every_line() {
        let data = b"a\nbb\nccc\ndddd\ne";
        let out = pieces(data, Kind::CloudWatch, 4, 100);
        let joined: Vec<u8> = out
            .iter()
            .flat_map(|p| match p {
                Piece::Lines { data, .. } => data.clone(),
                Piece::TooLong => panic!("no line is too long"),
            })
            .collect();
        assert_eq!(joined, data);
        let (last, rest) = out.split_last().unwrap();
        assert!(rest
            .iter()
            .all(|p| matches!(p, Piece::Lines { data, .. } if data.ends_with(b"\n"))));
        assert!(matches!(last, Piece::Lines { data, .. } if data.ends_with(b"e")));
        assert_eq!(out.iter().map(Piece::line_count).sum::<u64>(), 5);
    }

    #[test]
    fn recycled_buffers_give_the_same_pieces() {
        let data: Vec<u8> = (0..500)
            .flat_map(|i| format!("line {i} {}\n", "x".repeat(i % 37)).into_bytes())
            .collect();
        let format = Format::new(Kind::Text, &[], 2025).unwrap();
        let (give, take) = crossbeam_channel::bounded(4);
        let mut chunker = Chunker::new(&data[..], format, 300, 1000).recycle(take);
        let mut out = Vec::new();
        while let Some(piece) = chunker.next_piece().unwrap() {
            if let Piece::Lines { data: lines, .. } = &piece {
                // Hand back a used buffer full of other bytes: none of them may leak into a chunk.
                let mut used = lines.clone();
                used.extend_from_slice(b"garbage that must not show\n");
                let _ = give.try_send(used);
            }
            out.push(piece);
        }
        assert_eq!(out, pieces(&data, Kind::Text, 300, 1000));
    }

    /// A source that hands out at most `step` bytes a read (a pipe, a socket).
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    proptest::proptest! {
        /// Reading straight into recycled chunk buffers gives the pieces of copying out of the
        /// stream's buffer: whatever the reads' sizes, the chunk size, over-long lines and the old
        /// bytes of the recycled buffers.
        #[test]
        fn direct_reads_give_the_pieces_of_copied_ones(
            lines in proptest::collection::vec("[a-z]{0,40}", 0..60),
            chunk in 1usize..120,
            max_line in 1usize..60,
            step in 1usize..200,
            capacity in 1usize..200,
            kind in proptest::sample::select(vec![Kind::CloudWatch, Kind::Text, Kind::Docker]),
        ) {
            let data = lines.join("\n").into_bytes();
            let format = Format::new(kind, &[], 2025).unwrap();
            let source = || BufReader::with_capacity(capacity, Trickle { data: &data, step });
            let (give, take) = crossbeam_channel::bounded(4);
            let mut direct = Chunker::new(source(), format.clone(), chunk, max_line)
                .recycle(take)
                .read_directly();
            let mut copied = Chunker::new(source(), format, chunk, max_line);
            loop {
                let piece = direct.next_piece().unwrap();
                proptest::prop_assert_eq!(&piece, &copied.next_piece().unwrap());
                match piece {
                    Some(Piece::Lines { data: mut used, newlines }) => {
                        let expected: Vec<usize> = used
                            .iter()
                            .enumerate()
                            .filter_map(|(i, &b)| (b == b'\n').then_some(i))
                            .collect();
                        proptest::prop_assert_eq!(newlines, expected);
                        used.extend_from_slice(b"garbage that must not show\n");
                        let _ = give.try_send(used);
                    }
                    Some(Piece::TooLong) => {}
                    None => break,
                }
            }
            proptest::prop_assert_eq!(direct.consumed, copied.consumed);
        }
    }

    #[test]
    fn an_over_long_line_is_one_piece_of_its_own() {
        let mut data = b"short\n".to_vec();
        data.extend(vec![b'x'; 5000]);
        data.extend(b"\nafter\n");
        let out = pieces(&data, Kind::CloudWatch, 256, 1000);
        assert!(out.contains(&Piece::TooLong));
        assert_eq!(out.iter().map(Piece::line_count).sum::<u64>(), 3);
    }

    #[test]
    fn magic_bytes_tell_the_compression() {
        assert_eq!(Compression::of(&[0x1f, 0x8b, 8]), Compression::Gzip);
        assert_eq!(Compression::of(b"BZh9"), Compression::Bzip2);
        assert_eq!(
            Compression::of(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::of(b"{\"log\""), Compression::None);
    }
}
