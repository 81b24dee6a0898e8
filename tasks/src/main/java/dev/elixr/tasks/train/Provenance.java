package dev.elixr.tasks.train;

import dev.elixr.tensor.Parallel;
import dev.elixr.tensor.cpu.Simd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What a result depends on besides its inputs, as recorded in {@code run.json}, {@code eval.json} and the
 * {@code .preprocessing.json} of exported embeddings: software versions, the SIMD width and thread count the kernels
 * ran with, and checksums of the files read (the image preprocessing is the model config's own, see
 * {@link dev.elixr.models.elixr.ImagePreprocessing#describe}).
 */
public final class Provenance {
    private Provenance() {}

    /** elixr, Java and OS versions, cores, kernel threads and the float vector species. */
    public static Map<String, Object> versions() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("elixr", elixrVersion());
        v.put("java", Runtime.version().toString());
        v.put("java_vendor", System.getProperty("java.vendor"));
        v.put("vm", System.getProperty("java.vm.name"));
        v.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        v.put("cores", Runtime.getRuntime().availableProcessors());
        v.put("threads", Parallel.threads());
        v.put("vector_species", Simd.species().toString());
        v.put("vector_bits", Simd.species().vectorBitSize());
        v.put("float_lanes", Simd.species().length());
        return v;
    }

    /** The version the CLI jar was built as (its elixr-version.properties), else the package's, else "dev". */
    public static String elixrVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("/elixr-version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.contains("${")) return v;
            }
        } catch (IOException ignored) {
            // fall through to the manifest's version
        }
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Hex SHA-256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
