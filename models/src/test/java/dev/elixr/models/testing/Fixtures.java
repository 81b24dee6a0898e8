package dev.elixr.models.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Finds committed test fixtures (under src/test/resources/fixtures) as paths. */
public final class Fixtures {
    private Fixtures() {}

    public static Path path(String relative) {
        URL url = Fixtures.class.getResource("/fixtures/" + relative);
        if (url == null) throw new IllegalStateException("missing test fixture fixtures/" + relative);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
