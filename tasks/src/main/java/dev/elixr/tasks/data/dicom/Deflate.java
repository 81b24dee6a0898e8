package dev.elixr.tasks.data.dicom;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** The data set of Deflated Explicit VR Little Endian (PS3.5 A.5): raw deflate (RFC 1951, no zlib header), inflated up to a byte limit. */
final class Deflate {
    private Deflate() {}

    static byte[] inflate(Path file, byte[] buf, int start, int end, long maxBytes) throws DicomException {
        Inflater inflater = new Inflater(true);
        try {
            // nowrap inflaters need one byte past the input (java.util.zip.Inflater's documentation)
            byte[] input = Arrays.copyOfRange(buf, start, end + 1);
            inflater.setInput(input, 0, input.length);
            byte[] out = new byte[(int) Math.min(maxBytes, Math.max(1024, 4L * (end - start)))];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) out = grow(file, out, maxBytes, start);
                int got = inflater.inflate(out, n, out.length - n);
                n += got;
                if (got == 0 && !inflater.finished() && n < out.length) {
                    throw new DicomException(file, "deflated data set from offset " + start + " is truncated (" + n + " bytes inflated)");
                }
            }
            return n == out.length ? out : Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new DicomException(file, "deflated data set from offset " + start + " is corrupt: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static byte[] grow(Path file, byte[] out, long maxBytes, int start) throws DicomException {
        if (out.length >= maxBytes) {
            throw new DicomException(file, "deflated data set from offset " + start + " inflates past the limit of " + maxBytes + " bytes");
        }
        return Arrays.copyOf(out, (int) Math.min(maxBytes, 2L * out.length));
    }
}
