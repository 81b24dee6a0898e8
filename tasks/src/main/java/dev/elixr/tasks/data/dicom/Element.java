package dev.elixr.tasks.data.dicom;

import java.util.List;

/**
 * One data element (PS3.5 7.1): its tag, VR, where it starts, and either its value bytes (a view into the parsed
 * buffer, never copied), a sequence's items, or encapsulated pixel data's fragments (PS3.5 A.4).
 *
 * @param offset    where the element's tag starts, in the file or the inflated data set
 * @param fragments for encapsulated pixel data, {offset, length} of each item, the Basic Offset Table first; else null
 */
record Element(int tag, Vr vr, int offset, byte[] buf, int valueOffset, int length, List<DataSet> items, List<int[]> fragments) {
    static Element value(int tag, Vr vr, int offset, byte[] buf, int valueOffset, int length) {
        return new Element(tag, vr, offset, buf, valueOffset, length, List.of(), null);
    }

    static Element sequence(int tag, Vr vr, int offset, List<DataSet> items) {
        return new Element(tag, vr, offset, null, 0, 0, items, null);
    }

    static Element encapsulated(int tag, Vr vr, int offset, byte[] buf, List<int[]> fragments) {
        return new Element(tag, vr, offset, buf, 0, 0, List.of(), fragments);
    }

    boolean isEncapsulated() { return fragments != null; }

    boolean isSequence() { return buf == null; }

    /** Little-endian unsigned 16-bit word i of the value. */
    int u16(int i) { return (buf[valueOffset + 2 * i] & 0xFF) | (buf[valueOffset + 2 * i + 1] & 0xFF) << 8; }
}
