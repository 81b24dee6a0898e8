package dev.elixr.tasks.data.dicom;

import java.nio.file.Path;

/**
 * Transfer syntaxes (PS3.5 10 and Annex A) the reader knows by UID: the ones it reads, and the ones it refuses by
 * name (big endian, and compressed pixel data other than baseline JPEG).
 */
public enum TransferSyntax {
    IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", "Implicit VR Little Endian", Support.READ),
    EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", "Explicit VR Little Endian", Support.READ),
    DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", Support.READ),
    EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", "Explicit VR Big Endian (retired)", Support.REFUSED),
    JPEG_BASELINE("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", Support.READ),
    JPEG_EXTENDED("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", Support.REFUSED),
    JPEG_LOSSLESS("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", Support.REFUSED),
    JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)",
            Support.REFUSED),
    JPEG_LS_LOSSLESS("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", Support.REFUSED),
    JPEG_LS_NEAR_LOSSLESS("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", Support.REFUSED),
    JPEG_2000_LOSSLESS("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", Support.REFUSED),
    JPEG_2000("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", Support.REFUSED),
    HTJ2K_LOSSLESS("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)", Support.REFUSED),
    HTJ2K_RPCL("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)", Support.REFUSED),
    HTJ2K("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000", Support.REFUSED),
    RLE_LOSSLESS("1.2.840.10008.1.2.5", "RLE Lossless", Support.REFUSED);

    /** Whether the reader decodes data sets in this syntax. */
    public enum Support { READ, REFUSED }

    private final String uid;
    private final String title;
    private final Support support;

    TransferSyntax(String uid, String title, Support support) {
        this.uid = uid;
        this.title = title;
        this.support = support;
    }

    public String uid() { return uid; }

    public String title() { return title; }

    public boolean explicitVr() { return this != IMPLICIT_VR_LITTLE_ENDIAN; }

    public boolean deflated() { return this == DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN; }

    /** Pixel data held as encapsulated fragments (PS3.5 A.4) rather than native. */
    public boolean encapsulated() { return ordinal() >= JPEG_BASELINE.ordinal(); }

    /** The syntax a file names, refused with its UID and name where the reader does not decode it. */
    static TransferSyntax require(Path file, String uid) throws DicomException {
        for (TransferSyntax s : values()) {
            if (!s.uid.equals(uid)) continue;
            if (s.support == Support.READ) return s;
            String why = s == EXPLICIT_VR_BIG_ENDIAN ? "big endian data sets are not read"
                    : "compressed pixel data other than baseline JPEG is not decoded (decompress first, e.g. gdcmconv --raw)";
            throw new DicomException(file, "transfer syntax " + uid + " (" + s.title + ") is not supported: " + why);
        }
        String shown = uid.length() > 64 ? uid.substring(0, 64) + "..." : uid;
        throw new DicomException(file, "unknown transfer syntax UID '" + shown + "' in (0002,0010)");
    }

    @Override public String toString() { return uid + " (" + title + ")"; }
}
