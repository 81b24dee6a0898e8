package dev.elixr.tasks.data.dicom;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The pydicom-made fixtures under src/test/resources/dicom (see make_fixtures.py there). */
final class Fixtures {
    private Fixtures() {}

    static final String[] DECODED = {"explicit_u16", "explicit_u12_mono1", "implicit_s16", "implicit_s12", "explicit_u8_odd",
            "explicit_s8_mono1", "explicit_sigmoid", "deflated_u16", "voi_lut", "implicit_voi_lut", "constant", "jpeg_baseline"};
    static final String[] REFUSED = {"refuse_big_endian", "refuse_jpeg2000", "refuse_rgb", "refuse_multiframe"};

    static Path path(String file) {
        try {
            return Path.of(Fixtures.class.getResource("/dicom/" + file).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource dicom/" + file, e);
        }
    }

    static byte[] bytes(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/dicom/" + file)) {
            if (in == null) throw new IllegalStateException("missing test resource dicom/" + file);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
