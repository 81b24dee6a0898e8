package dev.elixr.tasks.data.dicom;

import java.nio.file.Path;

/**
 * The DICOM file format (PS3.10 7.1): a 128-byte preamble, "DICM", the group-0002 File Meta Information in explicit VR
 * little endian, then the data set in the transfer syntax the meta information names (inflated first when deflated).
 */
record PartTen(TransferSyntax syntax, DataSet dataSet) {
    static final int PREAMBLE = 128;
    private static final String INFLATED = " of the inflated data set";

    static PartTen parse(Path file, byte[] bytes, DicomReader.Options options) throws DicomException {
        if (bytes.length < PREAMBLE + 4 || bytes[128] != 'D' || bytes[129] != 'I' || bytes[130] != 'C' || bytes[131] != 'M') {
            throw new DicomException(file, "not a DICOM Part 10 file (no 'DICM' after the 128-byte preamble)");
        }
        ByteCursor in = new ByteCursor(file, bytes, PREAMBLE + 4, bytes.length, "");
        DataSet meta = metaInformation(in);
        String uid = meta.text(DicomTag.TRANSFER_SYNTAX_UID);
        if (uid == null) throw new DicomException(file, "File Meta Information has no " + DicomTag.named(DicomTag.TRANSFER_SYNTAX_UID));
        TransferSyntax syntax = TransferSyntax.require(file, uid);
        if (syntax.deflated()) {
            byte[] inflated = Deflate.inflate(file, bytes, in.pos(), bytes.length, options.maxInflatedBytes());
            in = new ByteCursor(file, inflated, 0, inflated.length, INFLATED);
        }
        DataSet ds = new DataSetParser(in).parse(syntax.explicitVr(), in.end(), false, 0);
        return new PartTen(syntax, ds);
    }

    private static DataSet metaInformation(ByteCursor in) throws DicomException {
        DataSetParser parser = new DataSetParser(in);
        DataSet meta = new DataSet(in.file, "");
        for (Element e = parser.metaElement(in.end()); e != null; e = parser.metaElement(in.end())) meta.put(e);
        return meta;
    }
}
