package dev.elixr.tasks.data.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a grey image as a DICOM Part 10 file (PS3.10 §7: preamble, "DICM", the group-2 file meta information) in
 * Explicit VR Little Endian, as a Digital X-Ray (For Presentation) image: 16 bits allocated, {@code bitsStored} stored,
 * unsigned, MONOCHROME2 or MONOCHROME1 (then the stored values are inverted, as a detector writing MONOCHROME1 does), a
 * rescale slope/intercept and a VOI window covering the stored range. For synthetic data sets in DICOM
 * ({@code elixr data synth --format dicom}); {@link DicomReader} decodes what it writes.
 */
public final class DicomWriter {
    private static final String DX_FOR_PRESENTATION = "1.2.840.10008.5.1.4.1.1.1.1";
    private static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    private static final String IMPLEMENTATION_UID = "1.2.826.0.1.3680043.10.1395.1";

    private DicomWriter() {}

    /**
     * What identifies the image and how its pixels are stored.
     *
     * @param uid        a numeric UID suffix for the SOP and study instance UIDs (digits and dots)
     * @param bitsStored 8..16
     * @param slope      Rescale Slope (> 0); the stored value is (v·(2^bits − 1) − intercept) / slope rounded
     */
    public record Header(String uid, String patientId, String viewPosition, int bitsStored, boolean monochrome1,
                         double slope, double intercept) {
        public Header {
            if (bitsStored < 8 || bitsStored > 16) throw new IllegalArgumentException("DICOM bits stored " + bitsStored + ": must be 8..16");
            if (!(slope > 0)) throw new IllegalArgumentException("DICOM rescale slope " + slope + ": must be > 0");
            if (!uid.matches("[0-9.]{1,40}")) throw new IllegalArgumentException("DICOM UID suffix '" + uid + "': digits and dots, at most 40");
        }
    }

    /** Writes row-major grey values (in [0, 1], 1 white) of {@code columns x rows} to {@code file}, creating its folder. */
    public static void write(float[] pixels, int columns, int rows, Header h, Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.write(file, encode(pixels, columns, rows, h));
    }

    /** The file's bytes. */
    public static byte[] encode(float[] pixels, int columns, int rows, Header h) {
        if (pixels.length != columns * rows)
            throw new IllegalArgumentException("DICOM writer: " + pixels.length + " pixels do not fill " + columns + "x" + rows);
        String sop = "1.2.826.0.1.3680043.10.1395.2." + h.uid(), study = "1.2.826.0.1.3680043.10.1395.3." + h.uid();
        ByteArrayOutputStream meta = new ByteArrayOutputStream();
        element(meta, 0x0002, 0x0001, "OB", new byte[] {0, 1});
        element(meta, 0x0002, 0x0002, "UI", uid(DX_FOR_PRESENTATION));
        element(meta, 0x0002, 0x0003, "UI", uid(sop));
        element(meta, 0x0002, 0x0010, "UI", uid(EXPLICIT_VR_LITTLE_ENDIAN));
        element(meta, 0x0002, 0x0012, "UI", uid(IMPLEMENTATION_UID));
        ByteArrayOutputStream out = new ByteArrayOutputStream(pixels.length * 2 + 1024);
        out.writeBytes(new byte[128]);
        out.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        element(out, 0x0002, 0x0000, "UL", ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(meta.size()).array());
        out.writeBytes(meta.toByteArray());
        int max = (1 << h.bitsStored()) - 1;
        element(out, 0x0008, 0x0016, "UI", uid(DX_FOR_PRESENTATION));
        element(out, 0x0008, 0x0018, "UI", uid(sop));
        element(out, 0x0008, 0x0060, "CS", text("DX"));
        element(out, 0x0010, 0x0020, "LO", text(h.patientId()));
        element(out, 0x0018, 0x5101, "CS", text(h.viewPosition()));
        element(out, 0x0020, 0x000D, "UI", uid(study));
        element(out, 0x0028, 0x0002, "US", u16(1));
        element(out, 0x0028, 0x0004, "CS", text(h.monochrome1() ? "MONOCHROME1" : "MONOCHROME2"));
        element(out, 0x0028, 0x0010, "US", u16(rows));
        element(out, 0x0028, 0x0011, "US", u16(columns));
        element(out, 0x0028, 0x0100, "US", u16(16));
        element(out, 0x0028, 0x0101, "US", u16(h.bitsStored()));
        element(out, 0x0028, 0x0102, "US", u16(h.bitsStored() - 1));
        element(out, 0x0028, 0x0103, "US", u16(0));
        double lo = h.intercept(), hi = h.intercept() + h.slope() * max; // the modality range of the stored values
        element(out, 0x0028, 0x1050, "DS", text(decimal((lo + hi) / 2 + 0.5)));
        element(out, 0x0028, 0x1051, "DS", text(decimal(hi - lo + 1)));
        element(out, 0x0028, 0x1052, "DS", text(decimal(h.intercept())));
        element(out, 0x0028, 0x1053, "DS", text(decimal(h.slope())));
        ByteBuffer px = ByteBuffer.allocate(pixels.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : pixels) {
            int s = (int) Math.round(Math.clamp(v, 0f, 1f) * max);
            px.putShort((short) (h.monochrome1() ? max - s : s));
        }
        element(out, 0x7FE0, 0x0010, "OW", px.array());
        return out.toByteArray();
    }

    /** One Explicit VR Little Endian element (PS3.5 §7.1.2): OB/OW with 2 reserved bytes and a 32-bit length. */
    private static void element(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) group).putShort((short) element).put(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB") || vr.equals("OW")) b.putShort((short) 0).putInt(value.length);
        else b.putShort((short) value.length);
        out.write(b.array(), 0, b.position());
        out.writeBytes(value);
    }

    private static byte[] u16(int v) { return new byte[] {(byte) v, (byte) (v >>> 8)}; }

    /** A UI value, padded to even length with NUL. */
    private static byte[] uid(String s) { return pad(s, (byte) 0); }

    /** A text value, padded to even length with a space. */
    private static byte[] text(String s) { return pad(s, (byte) ' '); }

    private static byte[] pad(String s, byte with) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length % 2 == 0) return b;
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = with;
        return p;
    }

    /** A DS value of at most 16 characters. */
    private static String decimal(double v) {
        String s = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.6g", v);
        return s.length() <= 16 ? s : String.format(java.util.Locale.ROOT, "%.8e", v);
    }
}
