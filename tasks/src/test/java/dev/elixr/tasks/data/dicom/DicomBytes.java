package dev.elixr.tasks.data.dicom;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes small DICOM byte streams by hand for tests: explicit or implicit VR little endian elements, items, delimiters. */
final class DicomBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final boolean explicit;

    DicomBytes(boolean explicit) { this.explicit = explicit; }

    static byte[] part10(String syntaxUid, byte[] dataSet) {
        DicomBytes meta = new DicomBytes(true).text(0x0002_0010, "UI", syntaxUid);
        byte[] m = meta.bytes();
        byte[] out = new byte[132 + m.length + dataSet.length];
        out[128] = 'D';
        out[129] = 'I';
        out[130] = 'C';
        out[131] = 'M';
        System.arraycopy(m, 0, out, 132, m.length);
        System.arraycopy(dataSet, 0, out, 132 + m.length, dataSet.length);
        return out;
    }

    /** A grey image module (MONOCHROME2, unsigned) and native pixel data for rows × columns at the given bits. */
    DicomBytes image(int rows, int columns, int bits, byte[] pixels) {
        text(0x0028_0004, "CS", "MONOCHROME2");
        us(0x0028_0010, rows).us(0x0028_0011, columns).us(0x0028_0100, bits).us(0x0028_0101, bits).us(0x0028_0102, bits - 1).us(0x0028_0103, 0);
        return element(0x7FE0_0010, bits == 8 ? "OB" : "OW", pixels);
    }

    DicomBytes us(int tag, int v) { return element(tag, "US", new byte[] {(byte) v, (byte) (v >> 8)}); }

    DicomBytes text(int tag, String vr, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length % 2 == 1) b = (s + (vr.equals("UI") ? "\0" : " ")).getBytes(StandardCharsets.ISO_8859_1);
        return element(tag, vr, b);
    }

    DicomBytes element(int tag, String vr, byte[] value) {
        header(tag, vr, value.length);
        out.writeBytes(value);
        return this;
    }

    /** An element header with any length (undefined = 0xFFFFFFFF). */
    DicomBytes header(int tag, String vr, long length) {
        tag(tag);
        if (!explicit) return u32(length);
        out.write(vr.charAt(0));
        out.write(vr.charAt(1));
        if (Vr.of(vr.charAt(0), vr.charAt(1)) == null || Vr.of(vr.charAt(0), vr.charAt(1)).longLength()) return u16(0).u32(length);
        return u16((int) length);
    }

    DicomBytes item(long length) { return tag(DicomTag.ITEM).u32(length); }

    DicomBytes itemEnd() { return tag(DicomTag.ITEM_DELIMITATION).u32(0); }

    DicomBytes sequenceEnd() { return tag(DicomTag.SEQUENCE_DELIMITATION).u32(0); }

    DicomBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    byte[] bytes() { return out.toByteArray(); }

    private DicomBytes tag(int tag) { return u16(tag >>> 16).u16(tag & 0xFFFF); }

    private DicomBytes u16(int v) {
        out.write(v & 0xFF);
        out.write((v >> 8) & 0xFF);
        return this;
    }

    private DicomBytes u32(long v) { return u16((int) (v & 0xFFFF)).u16((int) (v >>> 16)); }
}
