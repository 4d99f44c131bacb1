// UTF-8 helpers shared by the collector (payload storage) and the wrapper
// (output tail). Cuts always land on character boundaries so stored text is
// valid UTF-8 whatever bytes came in.

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
const encoder = new TextEncoder();

/** Length of the longest prefix of `bytes` (at most `max`) that ends on a UTF-8 character boundary. */
export function utf8PrefixLength(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return bytes.length;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) so we never split a character.
  while (end > 0 && end > max - 4 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}

/** Index where the longest suffix of `bytes` (at most `max` bytes) that starts on a character boundary begins. */
export function utf8SuffixStart(bytes: Uint8Array, max: number): number {
  if (bytes.length <= max) return 0;
  let start = bytes.length - max;
  while (start < bytes.length && start < bytes.length - max + 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return start;
}

/**
 * Turns arbitrary bytes into valid UTF-8 text of at most `maxBytes` bytes.
 * Invalid sequences become U+FFFD. `truncated` is true when any input byte is
 * not represented in the text.
 */
export function toBoundedUtf8(bytes: Uint8Array, maxBytes: number): { text: string; truncated: boolean } {
  const head = bytes.subarray(0, utf8PrefixLength(bytes, maxBytes));
  let text = decoder.decode(head);
  let truncated = head.length < bytes.length;
  // Valid input decodes to exactly its own bytes: only U+FFFD can grow it.
  if (!text.includes('\uFFFD')) return { text, truncated };
  const encoded = encoder.encode(text);
  if (encoded.length > maxBytes) {
    // Replacement characters (3 bytes each) can grow invalid input past the limit.
    text = decoder.decode(encoded.subarray(0, utf8PrefixLength(encoded, maxBytes)));
    truncated = true;
  }
  return { text, truncated };
}

/** Byte length of a string in UTF-8. */
export function utf8ByteLength(text: string): number {
  return encoder.encode(text).length;
}
