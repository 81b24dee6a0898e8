package dev.elixr.models.llm;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's reversible map between bytes and printable characters (Radford et al. 2019, byte-level BPE): the 188
 * printable Latin-1 bytes map to themselves, the other 68 (controls, space, …) to U+0100 onwards, so that BPE works
 * on bytes while every token stays a readable string (a space reads 'Ġ', a newline 'Ċ').
 */
final class ByteLevel {
    /** GPT-2's pre-tokenizer split pattern, used when a ByteLevel pre-tokenizer has use_regex. */
    static final String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + n++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    /** The UTF-8 bytes of s, each as its GPT-2 character. */
    static String encode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xff];
        return new String(out);
    }

    /** The bytes a token's characters stand for, or null when some character is not in the map (an added token's text). */
    static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }

    /** The character standing for byte b. */
    static char charOf(int b) { return BYTE_TO_CHAR[b & 0xff]; }
}
