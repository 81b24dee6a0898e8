package dev.elixr.tasks.data.dicom;

/**
 * The Modality LUT as Rescale Slope and Intercept (PS3.3 C.11.1): output = stored × slope + intercept, in double.
 * Without both attributes the identity; a Modality LUT Sequence is refused.
 */
public record ModalityLut(double slope, double intercept) {
    static ModalityLut of(DataSet ds) throws DicomException {
        if (ds.has(DicomTag.MODALITY_LUT_SEQUENCE)) {
            throw ds.bad(ds.get(DicomTag.MODALITY_LUT_SEQUENCE), "a Modality LUT Sequence is not supported (only Rescale Slope/Intercept)");
        }
        double slope = ds.firstDecimal(DicomTag.RESCALE_SLOPE), intercept = ds.firstDecimal(DicomTag.RESCALE_INTERCEPT);
        if (Double.isNaN(slope) || Double.isNaN(intercept)) return new ModalityLut(1, 0);
        if (65536 * Math.abs(slope) + Math.abs(intercept) > Float.MAX_VALUE) {
            throw ds.bad(ds.get(DicomTag.RESCALE_SLOPE), "slope " + slope + " and intercept " + intercept + " overflow float32 for 16-bit values");
        }
        return new ModalityLut(slope, intercept);
    }

    public boolean identity() { return slope == 1 && intercept == 0; }

    double apply(int stored) { return stored * slope + intercept; }
}
