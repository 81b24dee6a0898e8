package dev.elixr.tasks.data.dicom;

/**
 * The Image Pixel Module attributes (PS3.3 C.7.6.3) of a single-frame grey image, checked: 1 sample per pixel,
 * MONOCHROME1 or MONOCHROME2, 8 or 16 bits allocated, 1..allocated bits stored with High Bit = Bits Stored − 1,
 * and at most a given number of pixels.
 */
public record PixelModule(int rows, int columns, int bitsAllocated, int bitsStored, boolean signed, boolean monochrome1) {
    static PixelModule of(DataSet ds, long maxPixels) throws DicomException {
        int samples = ds.has(DicomTag.SAMPLES_PER_PIXEL) ? ds.u16(DicomTag.SAMPLES_PER_PIXEL) : 1;
        if (samples != 1) throw ds.bad(ds.get(DicomTag.SAMPLES_PER_PIXEL), samples + " samples per pixel (colour) is not supported: only grey images (1 sample)");
        long frames = ds.integer(DicomTag.NUMBER_OF_FRAMES, 1);
        if (frames != 1 && frames != 0) throw ds.bad(ds.get(DicomTag.NUMBER_OF_FRAMES), frames + " frames: multi-frame images are not supported");
        String photometric = ds.text(DicomTag.PHOTOMETRIC_INTERPRETATION);
        if (photometric == null) throw new DicomException(ds.file, "missing " + DicomTag.named(DicomTag.PHOTOMETRIC_INTERPRETATION));
        if (!photometric.equals("MONOCHROME1") && !photometric.equals("MONOCHROME2")) {
            throw ds.bad(ds.get(DicomTag.PHOTOMETRIC_INTERPRETATION), "'" + shorten(photometric) + "' is not supported: only MONOCHROME1 and MONOCHROME2");
        }
        int rows = ds.u16(DicomTag.ROWS), columns = ds.u16(DicomTag.COLUMNS);
        if (rows == 0 || columns == 0) throw new DicomException(ds.file, "empty image: " + rows + " rows x " + columns + " columns");
        if ((long) rows * columns > maxPixels) {
            throw new DicomException(ds.file, rows + "x" + columns + " = " + (long) rows * columns + " pixels is over the limit of " + maxPixels);
        }
        return new PixelModule(rows, columns, bits(ds), stored(ds), signed(ds), photometric.equals("MONOCHROME1"));
    }

    public int pixels() { return rows * columns; }

    /** Bytes per stored sample: 1 or 2. */
    int bytesPerSample() { return bitsAllocated / 8; }

    private static int bits(DataSet ds) throws DicomException {
        int allocated = ds.u16(DicomTag.BITS_ALLOCATED);
        if (allocated != 8 && allocated != 16) throw ds.bad(ds.get(DicomTag.BITS_ALLOCATED), allocated + " is not supported: only 8 and 16");
        return allocated;
    }

    private static int stored(DataSet ds) throws DicomException {
        int allocated = ds.u16(DicomTag.BITS_ALLOCATED), stored = ds.u16(DicomTag.BITS_STORED);
        if (stored < 1 || stored > allocated) throw ds.bad(ds.get(DicomTag.BITS_STORED), stored + " is not within 1.." + allocated + " (Bits Allocated)");
        int high = ds.has(DicomTag.HIGH_BIT) ? ds.u16(DicomTag.HIGH_BIT) : stored - 1;
        if (high != stored - 1) throw ds.bad(ds.get(DicomTag.HIGH_BIT), high + " is not supported: only High Bit = Bits Stored - 1 = " + (stored - 1));
        return stored;
    }

    private static boolean signed(DataSet ds) throws DicomException {
        int rep = ds.u16(DicomTag.PIXEL_REPRESENTATION);
        if (rep > 1) throw ds.bad(ds.get(DicomTag.PIXEL_REPRESENTATION), rep + " is neither 0 (unsigned) nor 1 (two's complement)");
        return rep == 1;
    }

    private static String shorten(String s) { return s.length() > 32 ? s.substring(0, 32) + "..." : s; }
}
