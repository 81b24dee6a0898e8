package dev.elixr.tasks.data.dicom;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** Sequences, undefined lengths, limits and malformed structure, on data sets written by hand. */
class DicomStructureTest {
    static final String EXPLICIT = "1.2.840.10008.1.2.1", IMPLICIT = "1.2.840.10008.1.2";
    static final Path NAME = Path.of("hand-made.dcm");

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = (byte) (i * 7);
        return p;
    }

    private static DicomImage read(String syntax, DicomBytes ds) throws DicomException { return new DicomReader().read(DicomBytes.part10(syntax, ds.bytes()), NAME); }

    private static DicomException refused(String syntax, DicomBytes ds, String expected) {
        DicomException e = assertThrows(DicomException.class, () -> read(syntax, ds));
        assertTrue(e.getMessage().contains(NAME.toString()) && e.getMessage().contains(expected), e.getMessage());
        return e;
    }

    @Test
    void undefinedLengthSequencesAndItemsNestedInDefinedOnesAreSkippedCorrectly() throws DicomException {
        byte[] inner = new DicomBytes(true).text(0x0008_0100, "SH", "CODE").bytes();
        DicomBytes definedItem = new DicomBytes(true).header(0x0008_2218, "SQ", 0xFFFF_FFFFL).item(0xFFFF_FFFFL).raw(inner).itemEnd().sequenceEnd();
        byte[] item = definedItem.bytes();
        DicomBytes ds = new DicomBytes(true).text(0x0008_0060, "CS", "DX")
                .header(0x0008_1140, "SQ", 8 + item.length).item(item.length).raw(item)
                .header(0x0009_1001, "UN", 0xFFFF_FFFFL).item(0xFFFF_FFFFL).raw(new DicomBytes(false).text(0x0008_0100, "SH", "X").bytes()).itemEnd().sequenceEnd()
                .image(3, 2, 8, pixels(6));
        DicomImage img = read(EXPLICIT, ds);
        assertArrayEquals(new float[] {0, 7, 14, 21, 28, 35}, img.raw());
    }

    @Test
    void implicitVrUndefinedLengthSequenceOfUnknownTagIsParsedAsSequence() throws DicomException {
        DicomBytes ds = new DicomBytes(false).header(0x0011_1010, "", 0xFFFF_FFFFL).item(0xFFFF_FFFFL)
                .header(0x0011_1011, "", 0xFFFF_FFFFL).item(0xFFFF_FFFFL).itemEnd().sequenceEnd().itemEnd().sequenceEnd()
                .image(2, 2, 16, pixels(8));
        assertEquals(4, read(IMPLICIT, ds).raw().length);
    }

    @Test
    void sequencesNestedTooDeeplyAreRefused() {
        DicomBytes ds = new DicomBytes(true);
        for (int i = 0; i < 40; i++) ds.header(0x0008_1140, "SQ", 0xFFFF_FFFFL).item(0xFFFF_FFFFL);
        refused(EXPLICIT, ds, "nested deeper than 32");
    }

    @Test
    void lengthPastTheEndIsRefusedNamingTagAndOffset() {
        DicomBytes ds = new DicomBytes(true).header(0x0010_0010, "PN", 200).raw(new byte[10]);
        DicomException e = refused(EXPLICIT, ds, "(0010,0010) PN has length 200 but only 10 bytes remain");
        assertTrue(e.getMessage().contains("at offset 160"), e.getMessage());
    }

    @Test
    void hugeLengthsAreRefusedWithoutAllocating() {
        refused(EXPLICIT, new DicomBytes(true).header(0x7FE0_0010, "OW", 0xFFFF_FFF0L), "has length 4294967280");
        refused(EXPLICIT, new DicomBytes(true).header(0x0008_1140, "SQ", 0xFFFF_FFFFL).item(0x7FFF_FFFFL), "item length 2147483647 runs past");
    }

    @Test
    void pixelCountOverTheLimitIsRefusedBeforeDecoding() {
        DicomBytes ds = new DicomBytes(true).image(65535, 65535, 16, new byte[8]);
        refused(EXPLICIT, ds, "65535x65535 = 4294836225 pixels is over the limit");
        DicomException e = assertThrows(DicomException.class, () -> new DicomReader(DicomReader.Options.defaults().withMaxPixels(5))
                .read(DicomBytes.part10(EXPLICIT, new DicomBytes(true).image(2, 3, 8, pixels(6)).bytes()), NAME));
        assertTrue(e.getMessage().contains("over the limit of 5"), e.getMessage());
    }

    @Test
    void shortPixelDataIsRefusedWithSizes() {
        refused(EXPLICIT, new DicomBytes(true).image(4, 4, 16, pixels(30)), "has 30 bytes, 4x4 at 16 bits needs 32");
    }

    @Test
    void malformedHeadersAreRefused() {
        assertTrue(assertThrows(DicomException.class, () -> new DicomReader().read(new byte[131], NAME)).getMessage().contains("no 'DICM'"));
        refused(EXPLICIT, new DicomBytes(true).element(0x0010_0010, "Q7", new byte[2]), "unknown VR 'Q7'");
        refused("1.2.3.4", new DicomBytes(true), "unknown transfer syntax UID '1.2.3.4'");
        refused(EXPLICIT, new DicomBytes(true).raw(new byte[] {8, 0, 0x60}), "truncated element header");
        refused(EXPLICIT, new DicomBytes(true).header(0x0009_1002, "OB", 0xFFFF_FFFFL), "undefined length, which only SQ, UN and Pixel Data may have");
        refused(EXPLICIT, new DicomBytes(true).header(0x0008_1140, "SQ", 0xFFFF_FFFFL).item(0xFFFF_FFFFL), "no Item Delimitation Item");
        refused(EXPLICIT, new DicomBytes(true).text(0x0008_0060, "CS", "DX"), "missing (0028,0004) Photometric Interpretation");
    }

    @Test
    void encapsulatedPixelDataInANativeSyntaxIsRefused() {
        DicomBytes ds = new DicomBytes(true).text(0x0028_0004, "CS", "MONOCHROME2").us(0x0028_0010, 1).us(0x0028_0011, 1)
                .us(0x0028_0100, 8).us(0x0028_0101, 8).us(0x0028_0103, 0).header(0x7FE0_0010, "OB", 0xFFFF_FFFFL).item(0).item(2).raw(new byte[2]).sequenceEnd();
        refused(EXPLICIT, ds, "is encapsulated but the transfer syntax is 1.2.840.10008.1.2.1");
    }

    @Test
    void badPixelModuleValuesAreRefusedByName() {
        Consumer<DicomBytes> rest = d -> d.us(0x0028_0011, 1).us(0x0028_0103, 0).element(0x7FE0_0010, "OB", new byte[2]);
        DicomBytes a = new DicomBytes(true).text(0x0028_0004, "CS", "MONOCHROME2").us(0x0028_0010, 1).us(0x0028_0100, 12).us(0x0028_0101, 12);
        rest.accept(a);
        refused(EXPLICIT, a, "(0028,0100) Bits Allocated at offset");
        DicomBytes b = new DicomBytes(true).text(0x0028_0004, "CS", "MONOCHROME2").us(0x0028_0010, 1).us(0x0028_0100, 8).us(0x0028_0101, 8)
                .us(0x0028_0102, 3);
        rest.accept(b);
        refused(EXPLICIT, b, "only High Bit = Bits Stored - 1");
        DicomBytes c = new DicomBytes(true).text(0x0028_0004, "CS", "PALETTE COLOR");
        refused(EXPLICIT, c, "'PALETTE COLOR' is not supported");
        DicomBytes d = new DicomBytes(true).text(0x0028_0004, "CS", "MONOCHROME2").us(0x0028_0010, 1).us(0x0028_0100, 8).us(0x0028_0101, 8)
                .text(0x0028_1050, "DS", "abc").text(0x0028_1051, "DS", "10");
        rest.accept(d);
        refused(EXPLICIT, d, "(0028,1050) Window Center at offset");
    }

    @Test
    void deflatedDataSetThatIsTruncatedOrCorruptIsRefused() {
        refused("1.2.840.10008.1.2.1.99", new DicomBytes(true).raw(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3}), "deflated data set");
        refused("1.2.840.10008.1.2.1.99", new DicomBytes(true), "deflated data set");
    }

    @Test
    void deflateBombIsStoppedAtTheInflatedLimit() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(bytes, new java.util.zip.Deflater(9, true))) {
            z.write(new DicomBytes(true).header(0x0009_1001, "OB", 64L << 20).bytes());
            z.write(new byte[64 << 20]);
        }
        byte[] file = DicomBytes.part10("1.2.840.10008.1.2.1.99", bytes.toByteArray());
        assertTrue(file.length < 200_000, "compressed to " + file.length);
        DicomException e = assertThrows(DicomException.class,
                () -> new DicomReader(new DicomReader.Options(1 << 20, 1 << 20, 1 << 22)).read(file, NAME));
        assertTrue(e.getMessage().contains("inflates past the limit of 4194304 bytes"), e.getMessage());
    }

    @Test
    void twelveBitSignedValuesAreSignExtendedAndUpperBitsMasked() {
        int[] s = NativePixels.toStored(new int[] {0x0FFB, 0xF7FF, 0x0800, 0xA005}, 12, true);
        assertArrayEquals(new int[] {-5, 2047, -2048, 5}, s);
        assertArrayEquals(new int[] {0xFFB, 0x7FF}, NativePixels.toStored(new int[] {0x0FFB, 0xF7FF}, 12, false));
    }
}
