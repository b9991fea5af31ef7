//! Looking for a few kinds of byte in short text, fast.
//!
//! Why it exists: every value of every record is checked for bytes of a few kinds before it
//! is written: characters XML forbids (the reader), characters to escape in Dublin Core,
//! cells to quote in CSV. Most values are shorter than 32 bytes, where `memchr`'s set-up
//! costs more than the search, and a byte-by-byte `any` stops to branch at every byte.
//! [`any_byte`] looks at 32 bytes at a time with no early exit inside a block, which the
//! compiler turns into vector instructions, and pads the last short block with a byte that
//! is not looked for, so that it is looked at the same way.

/// Whether a byte of `bytes` is one that `wanted` says yes to. `pad` must be a byte it says
/// no to.
#[inline]
pub fn any_byte(bytes: &[u8], pad: u8, wanted: impl Fn(u8) -> bool + Copy) -> bool {
    // Counted, not or-ed: LLVM vectorizes a count across the block's bytes, where an or of
    // several comparisons got vectorized across the comparisons, byte by byte.
    let block_has = |block: &[u8; 32]| block.iter().map(|&b| u8::from(wanted(b))).sum::<u8>() > 0;
    let (blocks, rest) = bytes.as_chunks::<32>();
    if blocks.iter().any(block_has) {
        return true;
    }
    let mut last = [pad; 32];
    last[..rest.len()].copy_from_slice(rest);
    block_has(&last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_byte_anywhere_as_a_plain_search_does() {
        let wanted = |b: u8| b == b'&' || b == b'<' || b == 0xEF;
        let base = "Repatriation to North Korea, 1959-1984: 김일성. ".repeat(3);
        for len in 0..=base.len() {
            let text = &base.as_bytes()[..len];
            assert_eq!(
                any_byte(text, b' ', wanted),
                text.iter().any(|&b| wanted(b))
            );
            for at in 0..len {
                for hit in [b'&', b'<', 0xEF] {
                    let mut text = text.to_vec();
                    text[at] = hit;
                    assert!(any_byte(&text, b' ', wanted), "{len} {at}");
                }
            }
        }
    }
}
