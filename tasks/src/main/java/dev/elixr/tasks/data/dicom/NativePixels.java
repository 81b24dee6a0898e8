package dev.elixr.tasks.data.dicom;

/**
 * Stored values of native (uncompressed) pixel data (PS3.5 8.1.1): little-endian 8- or 16-bit samples, the bits above
 * Bits Stored masked off, and two's complement values sign-extended from Bits Stored.
 */
final class NativePixels {
    private NativePixels() {}

    static int[] decode(DataSet ds, Element pixelData, PixelModule m) throws DicomException {
        long needed = (long) m.pixels() * m.bytesPerSample();
        if (pixelData.length() < needed) {
            throw ds.bad(pixelData, "has " + pixelData.length() + " bytes, " + m.rows() + "x" + m.columns() + " at " + m.bitsAllocated()
                    + " bits needs " + needed);
        }
        int[] out = new int[m.pixels()];
        byte[] b = pixelData.buf();
        int at = pixelData.valueOffset();
        if (m.bitsAllocated() == 8) {
            for (int i = 0; i < out.length; i++) out[i] = b[at + i] & 0xFF;
        } else {
            for (int i = 0; i < out.length; i++) out[i] = (b[at + 2 * i] & 0xFF) | (b[at + 2 * i + 1] & 0xFF) << 8;
        }
        return toStored(out, m.bitsStored(), m.signed());
    }

    /** Masks each sample to Bits Stored and, for signed data, extends the sign bit (bit Bits Stored − 1). */
    static int[] toStored(int[] samples, int bitsStored, boolean signed) {
        int mask = (1 << bitsStored) - 1, shift = 32 - bitsStored;
        for (int i = 0; i < samples.length; i++) {
            int v = samples[i] & mask;
            samples[i] = signed ? (v << shift) >> shift : v;
        }
        return samples;
    }
}
