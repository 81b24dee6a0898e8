package dev.elixr.tasks.data.dicom;

/**
 * Value representations (PS3.5 6.2). In explicit VR, the long ones carry two reserved bytes and a 32-bit length
 * (PS3.5 7.1.2); the others a 16-bit length. {@link #UN} also stands for "unknown" in implicit VR.
 */
public enum Vr {
    AE, AS, AT, CS, DA, DS, DT, FL, FD, IS, LO, LT, PN, SH, SL, SS, ST, TM, UI, UL, US,
    OB(true), OD(true), OF(true), OL(true), OV(true), OW(true), SQ(true), SV(true), UC(true), UN(true), UR(true),
    UT(true), UV(true);

    private final boolean longLength;

    Vr() { this(false); }

    Vr(boolean longLength) { this.longLength = longLength; }

    /** Whether explicit VR encodes this VR's length in 32 bits after two reserved bytes. */
    public boolean longLength() { return longLength; }

    /** The VR named by two ASCII bytes, or null when they name none. */
    static Vr of(int b0, int b1) {
        for (Vr vr : ALL) if (vr.name().charAt(0) == b0 && vr.name().charAt(1) == b1) return vr;
        return null;
    }

    private static final Vr[] ALL = values();
}
