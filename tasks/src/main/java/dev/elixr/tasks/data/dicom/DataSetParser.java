package dev.elixr.tasks.data.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads data elements (PS3.5 7.1) in explicit or implicit VR little endian, with sequences and items of defined and
 * undefined length (PS3.5 7.5) and encapsulated pixel data (PS3.5 A.4). Every length is compared with what remains
 * of the enclosing element before it is used; nesting deeper than {@link #MAX_DEPTH} is refused.
 */
final class DataSetParser {
    static final int MAX_DEPTH = 32;
    private static final long UNDEFINED = 0xFFFF_FFFFL;

    private final ByteCursor in;
    private final String region;

    DataSetParser(ByteCursor in) {
        this.in = in;
        this.region = in.region;
    }

    /** Elements from the cursor up to {@code limit}; with {@code untilItemEnd}, up to an Item Delimitation Item instead. */
    DataSet parse(boolean explicit, int limit, boolean untilItemEnd, int depth) throws DicomException {
        if (depth > MAX_DEPTH) throw in.error(in.pos(), "sequences nested deeper than " + MAX_DEPTH);
        DataSet ds = new DataSet(in.file, region);
        while (in.pos() < limit) {
            int at = in.pos();
            if (!in.has(8, limit)) throw in.error(at, "truncated element header (" + (limit - at) + " bytes left)");
            int tag = in.tag();
            if (tag == DicomTag.ITEM_DELIMITATION && untilItemEnd) {
                in.u32();
                return ds;
            }
            if ((tag >>> 16) == 0xFFFE) throw in.error(at, "unexpected " + DicomTag.named(tag) + " inside a data set");
            ds.put(element(tag, at, explicit, limit, depth));
        }
        if (untilItemEnd) throw in.error(in.pos(), "item of undefined length has no Item Delimitation Item before the end");
        return ds;
    }

    /** One element of group 0002 (always explicit VR little endian), or null where the group ends. */
    Element metaElement(int limit) throws DicomException {
        if (!in.has(8, limit) || in.peekU16() != 0x0002) return null;
        int at = in.pos();
        return element(in.tag(), at, true, limit, 0);
    }

    private Element element(int tag, int at, boolean explicit, int limit, int depth) throws DicomException {
        Vr vr;
        long length;
        if (explicit) {
            int b0 = in.buf[in.pos()] & 0xFF, b1 = in.buf[in.pos() + 1] & 0xFF;
            vr = Vr.of(b0, b1);
            if (vr == null) throw in.error(at, "unknown VR " + printable(b0, b1) + " for " + DicomTag.named(tag));
            in.skip(2, "a VR");
            if (vr.longLength()) {
                in.skip(2, "reserved bytes");
                length = in.u32();
            } else {
                length = in.u16();
            }
        } else {
            vr = DicomTag.isKnownSequence(tag) ? Vr.SQ : Vr.UN;
            length = in.u32();
        }
        if (length == UNDEFINED) return undefinedLength(tag, vr, at, explicit, limit, depth);
        if (!in.has(length, limit)) {
            throw in.error(at, DicomTag.named(tag) + " " + vr + " has length " + length + " but only " + (limit - in.pos()) + " bytes remain");
        }
        int start = in.pos(), end = start + (int) length;
        if (vr == Vr.SQ) return Element.sequence(tag, vr, at, items(explicit, end, false, depth));
        in.skip(length, "a value");
        return Element.value(tag, vr, at, in.buf, start, (int) length);
    }

    private Element undefinedLength(int tag, Vr vr, int at, boolean explicit, int limit, int depth) throws DicomException {
        if (tag == DicomTag.PIXEL_DATA) return Element.encapsulated(tag, vr, at, in.buf, fragments(at, limit));
        if (vr == Vr.SQ || !explicit) return Element.sequence(tag, Vr.SQ, at, items(explicit, limit, true, depth));
        // PS3.5 6.2.2: UN of undefined length holds a sequence encoded in implicit VR little endian
        if (vr == Vr.UN) return Element.sequence(tag, Vr.SQ, at, items(false, limit, true, depth));
        throw in.error(at, DicomTag.named(tag) + " " + vr + " has undefined length, which only SQ, UN and Pixel Data may have");
    }

    /** A sequence's items: up to {@code end} for a defined length, else up to its Sequence Delimitation Item. */
    private List<DataSet> items(boolean explicit, int end, boolean untilDelimiter, int depth) throws DicomException {
        List<DataSet> items = new ArrayList<>();
        while (untilDelimiter || in.pos() < end) {
            int at = in.pos();
            if (!in.has(8, end)) throw in.error(at, "sequence ends inside an item header" + (untilDelimiter ? " (no Sequence Delimitation Item)" : ""));
            int tag = in.tag();
            long length = in.u32();
            if (tag == DicomTag.SEQUENCE_DELIMITATION && untilDelimiter) return items;
            if (tag != DicomTag.ITEM) throw in.error(at, "expected an Item in a sequence, found " + DicomTag.named(tag));
            if (length == UNDEFINED) {
                items.add(parse(explicit, end, true, depth + 1));
            } else {
                if (!in.has(length, end)) throw in.error(at, "item length " + length + " runs past its sequence (" + (end - in.pos()) + " bytes remain)");
                int itemEnd = in.pos() + (int) length;
                items.add(parse(explicit, itemEnd, false, depth + 1));
            }
        }
        return items;
    }

    /** Encapsulated pixel data's items (Basic Offset Table first, then fragments) up to the Sequence Delimitation Item. */
    private List<int[]> fragments(int at, int limit) throws DicomException {
        List<int[]> fragments = new ArrayList<>();
        while (true) {
            int itemAt = in.pos();
            if (!in.has(8, limit)) throw in.error(itemAt, "encapsulated Pixel Data (from offset " + at + ") has no Sequence Delimitation Item");
            int tag = in.tag();
            long length = in.u32();
            if (tag == DicomTag.SEQUENCE_DELIMITATION) return fragments;
            if (tag != DicomTag.ITEM) throw in.error(itemAt, "expected a fragment Item in encapsulated Pixel Data, found " + DicomTag.named(tag));
            if (!in.has(length, limit)) {
                throw in.error(itemAt, "fragment length " + (length == UNDEFINED ? "undefined" : String.valueOf(length))
                        + " runs past the end (" + (limit - in.pos()) + " bytes remain)");
            }
            fragments.add(new int[] {in.pos(), (int) length});
            in.skip(length, "a fragment");
        }
    }

    private static String printable(int b0, int b1) {
        boolean text = b0 >= 0x20 && b0 < 0x7F && b1 >= 0x20 && b1 < 0x7F;
        return text ? "'" + (char) b0 + (char) b1 + "'" : String.format("0x%02X%02X", b0, b1);
    }
}
