package dev.elixr.tasks.data.dicom;

/**
 * A VOI LUT (PS3.3 C.11.2.1.1), the first item of the VOI LUT Sequence: LUT Descriptor {entries (0 = 65536), first
 * mapped value, bits per entry 8..16} and LUT Data as 16-bit words. Values below the first mapped one take the first
 * entry, above the last the last; the output is scaled onto [0, 1] by the entry bit depth.
 */
public record VoiLut(int firstMapped, int bits, int[] entries) {
    /** The first VOI LUT of a data set, or null when it has no (usable) VOI LUT Sequence item. */
    static VoiLut of(DataSet ds, boolean signed) throws DicomException {
        Element seq = ds.get(DicomTag.VOI_LUT_SEQUENCE);
        if (seq == null || !seq.isSequence() || seq.items().isEmpty()) return null;
        DataSet item = seq.items().getFirst();
        Element descriptor = item.get(DicomTag.LUT_DESCRIPTOR), data = item.get(DicomTag.LUT_DATA);
        if (descriptor == null || data == null) return null;
        if (descriptor.isSequence() || descriptor.length() < 6) throw item.bad(descriptor, "expected 3 16-bit values, found " + descriptor.length() + " bytes");
        int n = descriptor.u16(0) == 0 ? 65536 : descriptor.u16(0);
        int first = signed ? (short) descriptor.u16(1) : descriptor.u16(1);
        int bits = descriptor.u16(2);
        if (bits < 8 || bits > 16) throw item.bad(descriptor, bits + " bits per LUT entry is not supported (8..16)");
        if (data.isSequence() || data.length() < 2L * n) throw item.bad(data, "has " + (data.isSequence() ? 0 : data.length()) + " bytes, " + n + " entries need " + 2L * n);
        int[] lut = new int[n];
        for (int i = 0; i < n; i++) lut[i] = data.u16(i) & ((1 << bits) - 1);
        return new VoiLut(first, bits, lut);
    }

    /** The LUT output for a modality value x, divided by 2^bits − 1. */
    public double apply(double x) {
        long index = x < firstMapped ? 0 : Math.min((long) (x - firstMapped), entries.length - 1);
        return entries[(int) index] / (double) ((1 << bits) - 1);
    }
}
