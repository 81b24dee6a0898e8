package dev.elixr.tasks.data.dicom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads single-frame grey DICOM Part 10 files (PS3.10) in explicit or implicit VR little endian, deflated explicit VR
 * little endian, or JPEG Baseline: meta information, data set, pixel data, Modality LUT and VOI (see {@link DicomImage}).
 * Every failure is a {@link DicomException} naming the file and, where there is one, the tag and offset.
 */
public final class DicomReader {
    /**
     * Limits checked before anything is allocated.
     *
     * @param maxPixels        rows × columns at most (a 4k × 4k CXR is 16.8M)
     * @param maxFileBytes     file size at most
     * @param maxInflatedBytes a deflated data set's size once inflated, at most
     */
    public record Options(long maxPixels, long maxFileBytes, long maxInflatedBytes) {
        public Options {
            if (maxPixels < 1 || maxFileBytes < 1 || maxInflatedBytes < 1 || maxFileBytes >= Integer.MAX_VALUE - 8 || maxInflatedBytes >= Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("DicomReader.Options: limits must be positive and below 2 GiB: " + maxPixels + ", " + maxFileBytes + ", " + maxInflatedBytes);
            }
        }

        /** 32M pixels (e.g. 5.6k × 5.6k at 16 bits, 64 MiB), 256 MiB files, 128 MiB inflated (a deflate bomb stops there). */
        public static Options defaults() { return new Options(1L << 25, 1L << 28, 1L << 27); }

        public Options withMaxPixels(long n) { return new Options(n, maxFileBytes, maxInflatedBytes); }
    }

    private final Options options;

    public DicomReader() { this(Options.defaults()); }

    public DicomReader(Options options) { this.options = options; }

    /** Whether a file starts like a DICOM Part 10 file ("DICM" after the 128-byte preamble). */
    public static boolean isDicom(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) < PartTen.PREAMBLE + 4) return false;
        try (var in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(PartTen.PREAMBLE + 4);
            return head.length == PartTen.PREAMBLE + 4 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M';
        }
    }

    public DicomImage read(Path file) throws DicomException {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) throw new DicomException(file, "no such file");
            long size = Files.size(file);
            if (size > options.maxFileBytes()) throw new DicomException(file, size + " bytes is over the limit of " + options.maxFileBytes());
            bytes = Files.readAllBytes(file);
        } catch (DicomException e) {
            throw e;
        } catch (IOException e) {
            throw new DicomException(file, "cannot read the file (" + e.getMessage() + ")", e);
        }
        return read(bytes, file);
    }

    /** Decodes a file's bytes; {@code name} is how messages name it. */
    public DicomImage read(byte[] bytes, Path name) throws DicomException {
        if (bytes.length > options.maxFileBytes()) throw new DicomException(name, bytes.length + " bytes is over the limit of " + options.maxFileBytes());
        PartTen part10 = PartTen.parse(name, bytes, options);
        DataSet ds = part10.dataSet();
        PixelModule m = PixelModule.of(ds, options.maxPixels());
        ModalityLut modality = ModalityLut.of(ds);
        VoiLut lut = VoiLut.of(ds, m.signed());
        VoiWindow window = VoiWindow.of(ds);
        int[] stored = storedValues(ds, part10.syntax(), m);
        float[] raw = new float[stored.length];
        for (int i = 0; i < raw.length; i++) raw[i] = (float) modality.apply(stored[i]);
        float[] display = Display.apply(stored, modality, lut, window, m.monochrome1());
        return new DicomImage(name, part10.syntax(), m, modality, window, lut, raw, display);
    }

    private static int[] storedValues(DataSet ds, TransferSyntax syntax, PixelModule m) throws DicomException {
        Element pixelData = ds.require(DicomTag.PIXEL_DATA);
        if (pixelData.isSequence()) throw ds.bad(pixelData, "is a sequence");
        if (syntax.encapsulated() != pixelData.isEncapsulated()) {
            throw ds.bad(pixelData, (pixelData.isEncapsulated() ? "is encapsulated" : "is native") + " but the transfer syntax is " + syntax);
        }
        return syntax == TransferSyntax.JPEG_BASELINE ? JpegBaseline.decode(ds, pixelData, m) : NativePixels.decode(ds, pixelData, m);
    }
}
