package dev.elixr.tasks.data.dicom;

import java.nio.file.Path;

/**
 * A little-endian read position over a byte array, every read checked against the end of the data, so that no
 * length read from the file is trusted before it is compared with what remains.
 */
final class ByteCursor {
    final Path file;
    final byte[] buf;
    final String region;
    private final int end;
    private int pos;

    /** @param region how offsets are named in messages: "" for the file, e.g. " of the inflated data set" otherwise */
    ByteCursor(Path file, byte[] buf, int start, int end, String region) {
        this.file = file;
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.region = region;
    }

    int pos() { return pos; }

    int end() { return end; }

    int remaining() { return end - pos; }

    /** Whether n more bytes lie before the given limit (itself within the data). */
    boolean has(long n, int limit) { return n >= 0 && n <= limit - pos; }

    int u16() throws DicomException {
        need(2, "a 16-bit value");
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    long u32() throws DicomException {
        need(4, "a 32-bit value");
        long v = (buf[pos] & 0xFFL) | (buf[pos + 1] & 0xFFL) << 8 | (buf[pos + 2] & 0xFFL) << 16 | (buf[pos + 3] & 0xFFL) << 24;
        pos += 4;
        return v;
    }

    int tag() throws DicomException {
        int group = u16();
        return group << 16 | u16();
    }

    int peekU16() throws DicomException {
        need(2, "a 16-bit value");
        return (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8;
    }

    void skip(long n, String what) throws DicomException {
        need(n, what);
        pos += (int) n;
    }

    private void need(long n, String what) throws DicomException {
        if (n > end - pos) throw error(pos, "truncated: " + what + " needs " + n + " bytes, " + (end - pos) + " remain");
    }

    DicomException error(int at, String reason) { return new DicomException(file, "at offset " + at + region + ": " + reason); }
}
