package dev.elixr.tasks.data.dicom;

/** The (group,element) tags the reader uses (PS3.6 data dictionary), packed as group << 16 | element. */
public final class DicomTag {
    private DicomTag() {}

    public static final int TRANSFER_SYNTAX_UID = 0x0002_0010;
    public static final int SAMPLES_PER_PIXEL = 0x0028_0002;
    public static final int PHOTOMETRIC_INTERPRETATION = 0x0028_0004;
    public static final int NUMBER_OF_FRAMES = 0x0028_0008;
    public static final int ROWS = 0x0028_0010;
    public static final int COLUMNS = 0x0028_0011;
    public static final int BITS_ALLOCATED = 0x0028_0100;
    public static final int BITS_STORED = 0x0028_0101;
    public static final int HIGH_BIT = 0x0028_0102;
    public static final int PIXEL_REPRESENTATION = 0x0028_0103;
    public static final int WINDOW_CENTER = 0x0028_1050;
    public static final int WINDOW_WIDTH = 0x0028_1051;
    public static final int RESCALE_INTERCEPT = 0x0028_1052;
    public static final int RESCALE_SLOPE = 0x0028_1053;
    public static final int VOI_LUT_FUNCTION = 0x0028_1056;
    public static final int MODALITY_LUT_SEQUENCE = 0x0028_3000;
    public static final int LUT_DESCRIPTOR = 0x0028_3002;
    public static final int LUT_DATA = 0x0028_3006;
    public static final int VOI_LUT_SEQUENCE = 0x0028_3010;
    public static final int PIXEL_DATA = 0x7FE0_0010;
    public static final int ITEM = 0xFFFE_E000;
    public static final int ITEM_DELIMITATION = 0xFFFE_E00D;
    public static final int SEQUENCE_DELIMITATION = 0xFFFE_E0DD;

    /** The tag as DICOM writes it, e.g. "(0028,0010)". */
    public static String str(int tag) { return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF); }

    /** The tag and its keyword where the reader knows it, e.g. "(0028,0010) Rows". */
    public static String named(int tag) {
        String name = switch (tag) {
            case TRANSFER_SYNTAX_UID -> "Transfer Syntax UID";
            case SAMPLES_PER_PIXEL -> "Samples per Pixel";
            case PHOTOMETRIC_INTERPRETATION -> "Photometric Interpretation";
            case NUMBER_OF_FRAMES -> "Number of Frames";
            case ROWS -> "Rows";
            case COLUMNS -> "Columns";
            case BITS_ALLOCATED -> "Bits Allocated";
            case BITS_STORED -> "Bits Stored";
            case HIGH_BIT -> "High Bit";
            case PIXEL_REPRESENTATION -> "Pixel Representation";
            case WINDOW_CENTER -> "Window Center";
            case WINDOW_WIDTH -> "Window Width";
            case RESCALE_INTERCEPT -> "Rescale Intercept";
            case RESCALE_SLOPE -> "Rescale Slope";
            case VOI_LUT_FUNCTION -> "VOI LUT Function";
            case MODALITY_LUT_SEQUENCE -> "Modality LUT Sequence";
            case LUT_DESCRIPTOR -> "LUT Descriptor";
            case LUT_DATA -> "LUT Data";
            case VOI_LUT_SEQUENCE -> "VOI LUT Sequence";
            case PIXEL_DATA -> "Pixel Data";
            case ITEM -> "Item";
            case ITEM_DELIMITATION -> "Item Delimitation Item";
            case SEQUENCE_DELIMITATION -> "Sequence Delimitation Item";
            default -> null;
        };
        return name == null ? str(tag) : str(tag) + " " + name;
    }

    /** Sequences implicit VR must recognise by tag to read their items (others of defined length are kept as bytes). */
    static boolean isKnownSequence(int tag) {
        return switch (tag) {
            case MODALITY_LUT_SEQUENCE, VOI_LUT_SEQUENCE,
                 0x0008_1140, // Referenced Image Sequence
                 0x0008_2218, // Anatomic Region Sequence
                 0x0008_2220  // Anatomic Region Modifier Sequence
                    -> true;
            default -> false;
        };
    }
}
