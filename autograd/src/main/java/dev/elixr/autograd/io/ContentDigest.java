package dev.elixr.autograd.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The integrity seal of the safetensors files we write (checkpoints, saved models): the SHA-256 of the whole file as
 * written, header included, with the digest's own 64 hex digits replaced by zeros, stored in the header's metadata
 * under {@link #KEY}. The placeholder has the digest's length, so the writer fills it in after the data without moving
 * anything. Files from elsewhere (Hugging Face) have no seal and are read as they are.
 */
final class ContentDigest {
    /** The metadata key holding the seal. */
    static final String KEY = "elixr.sha256";
    /** What the writer puts in the header before the data is digested. */
    static final String PLACEHOLDER = "0".repeat(64);

    private final MessageDigest sha = newSha256();

    private ContentDigest() {}

    static ContentDigest start() { return new ContentDigest(); }

    ContentDigest update(ByteBuffer bytes) {
        sha.update(bytes.duplicate());
        return this;
    }

    ContentDigest update(byte[] bytes) {
        sha.update(bytes);
        return this;
    }

    /** Digests a (possibly memory-mapped) segment in 1 MiB chunks. */
    ContentDigest update(MemorySegment segment) {
        long n = segment.byteSize();
        for (long p = 0; p < n; p += 1 << 20) sha.update(segment.asSlice(p, Math.min(1 << 20, n - p)).asByteBuffer());
        return this;
    }

    String hex() { return HexFormat.of().formatHex(sha.digest()); }

    /** The header bytes with the recorded seal replaced by the placeholder (null when the seal is not found in them). */
    static byte[] withPlaceholder(byte[] header, String recorded) {
        byte[] needle = recorded.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(header, needle);
        if (at < 0 || indexOf(header, needle, at + 1) >= 0) return null;
        byte[] out = header.clone();
        for (int i = 0; i < needle.length; i++) out[at + i] = '0';
        return out;
    }

    /** Whether s is 64 lower-case hex digits. */
    static boolean wellFormed(String s) {
        return s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    static int indexOf(byte[] hay, byte[] needle) { return indexOf(hay, needle, 0); }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
