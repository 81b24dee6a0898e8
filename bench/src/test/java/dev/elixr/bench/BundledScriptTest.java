package dev.elixr.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link BundledScript}: a peer's script and the shared modules in a directory of their own (Python's first import path), gone after close. */
class BundledScriptTest {

    @Test
    void scriptSitsInItsOwnDirectoryWithOnlyTheSharedModulesAndTheResourcesBytes() throws IOException {
        try (BundledScript s = BundledScript.copy("numpy_bench.py")) {
            try (var files = Files.list(s.dir())) {
                assertEquals(Set.of(s.file(), s.dir().resolve("peer_quiet.py")), Set.copyOf(files.toList()));
            }
            byte[] expected;
            try (InputStream in = BundledScript.class.getResourceAsStream("numpy_bench.py")) {
                expected = in.readAllBytes();
            }
            assertArrayEquals(expected, Files.readAllBytes(s.file()));
            assertFalse(s.dir().equals(Path.of(System.getProperty("java.io.tmpdir"))), "not the shared temporary directory");
        }
    }

    @Test
    void closeRemovesTheDirectoryWithWhatPythonWroteThere() throws IOException {
        BundledScript s = BundledScript.copy("numpy_bench.py");
        Files.createDirectories(s.dir().resolve("__pycache__"));
        Files.writeString(s.dir().resolve("__pycache__").resolve("numpy_bench.cpython-311.pyc"), "x");
        s.close();
        assertFalse(Files.exists(s.dir()));
    }

    @Test
    void aMissingResourceIsNamedInTheError() {
        IOException e = assertThrows(IOException.class, () -> BundledScript.copy("no_such_bench.py"));
        assertTrue(e.getMessage().contains("no_such_bench.py"), e.getMessage());
    }
}
